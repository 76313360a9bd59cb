export * from './log-search-query';

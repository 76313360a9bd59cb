/* global jest */
// Integration and end-to-end suites start databases and processes on a 2-core machine: give them room.
jest.setTimeout(120_000);

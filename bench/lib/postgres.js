'use strict';
// A throwaway PostgreSQL database per benchmark run on the server of DATABASE_URL (same idea as
// libs/testing createScratchDatabase, which is TypeScript and not part of the build these scripts run against).
const crypto = require('node:crypto');
const { URL } = require('node:url');
const { Client } = require('pg');

/** @returns {Promise<{ url: string, drop: () => Promise<void> }>} */
const createScratchDatabase = async (baseUrl, prefix = 'roster_bench') => {
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = async (sql) => {
    const client = new Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
};

module.exports = { createScratchDatabase };

/**
 * Jest setup of the unit tier (jest.config.js): unit specs use no PostgreSQL, Redis or S3. Every
 * address a spec or the harness could read for them points at a closed port (9, discard), so a
 * spec that starts needing a service fails here and belongs in the medium tier (*.medium-spec.ts).
 */
const CLOSED = '127.0.0.1:9';
process.env.TEST_PG_URL = `postgresql://postgres@${CLOSED}`;
process.env.TEST_REDIS_URL = `redis://${CLOSED}`;
process.env.DATABASE_URL = `postgresql://postgres@${CLOSED}/unit_tier_has_no_database`;
process.env.REDIS_URL = `redis://${CLOSED}`;

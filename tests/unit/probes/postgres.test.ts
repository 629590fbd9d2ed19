import { postgresProbe } from '../../../src/probes/postgres';
import { runProbe } from '../../helpers/probe-run';

const probe = (url: string) => postgresProbe.create(postgresProbe.schema.parse({ name: 'postgres', type: 'postgres', url }));

describe('the postgres probe', () => {
  it('runs SELECT 1 on the real server and reports active connections per database', async () => {
    const report = await runProbe(probe('postgres://postgres@127.0.0.1:5432/postgres'));
    expect(report.outcome).toEqual({ ok: true, message: 'Database connection successful' });
    // Its own connection is active while it reads pg_stat_activity.
    expect(report.observations.find((o) => o.labels.db === 'postgres')?.value).toBeGreaterThanOrEqual(1);
    expect(report.observations.every((o) => o.family === 'amas_database_connections_active')).toBe(true);
  });

  it('reports a refused connection and an unknown host', async () => {
    expect((await runProbe(probe('postgres://postgres@127.0.0.1:1/postgres'))).outcome).toMatchObject({ ok: false, reason: 'connect_refused' });
    expect((await runProbe(probe('postgres://postgres@no-such-host.invalid:5432/postgres'))).outcome).toMatchObject({ ok: false, reason: 'dns' });
  });

  it('says why when the database does not exist', async () => {
    const report = await runProbe(probe('postgres://postgres@127.0.0.1:5432/no_such_database_amas'));
    expect(report.outcome.ok).toBe(false);
    expect(report.outcome.message).toContain('database "no_such_database_amas" does not exist');
  });
});

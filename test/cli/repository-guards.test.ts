import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import type { Report } from '../../src/engine/report.js';
import { TempRepo, captureIO, removeTemporaryFolders } from './repo.js';

jest.setTimeout(30_000);
afterAll(removeTemporaryFolders);

const CONFIG = 'risky:\n  paths: ["src/project/**"]\n';

const CELL_BEFORE = `import { Button } from '../ui/Button';

export const ActionsCell = ({ id }: { id: string }) => {
  return <Button onClick={() => openAction(id)}>Open</Button>;
};
`;

const CELL_AFTER = `import { Button } from '../ui/Button';
import { deleteAction } from '../api/actions';

export const ActionsCell = ({ id }: { id: string }) => {
  return (
    <span>
      <Button onClick={() => openAction(id)}>Open</Button>
      <Button onClick={() => deleteAction(id)}>Delete</Button>
    </span>
  );
};
`;

const TABLE = `import { ActionsCell } from './ActionsCell';

export const ActionsTable = ({ ids }: { ids: string[] }) => <table>{ids.map((id) => <ActionsCell key={id} id={id} />)}</table>;
`;

const settings = (flagged: boolean): string => `import { useFlag } from '@unleash/proxy-client-react';
import { ActionsTable } from '../project/ActionsTable';

export const Settings = ({ ids }: { ids: string[] }) => {
  const actions = useFlag('automated-actions');
  return <div>{${flagged ? 'actions ? <ActionsTable ids={ids} /> : null' : '<ActionsTable ids={ids} />'}}</div>;
};
`;

/** main holds the cell, the table rendering it and the settings page rendering the table; `feature` edits only the cell. */
function repo(flagged: boolean): TempRepo {
  const r = TempRepo.create({
    '.github/monoenv.yml': CONFIG,
    'src/project/ActionsCell.tsx': CELL_BEFORE,
    'src/project/ActionsTable.tsx': TABLE,
    'src/settings/Settings.tsx': settings(flagged),
  });
  r.branch('feature');
  r.commit('feat: delete an action from its row', { 'src/project/ActionsCell.tsx': CELL_AFTER });
  return r;
}

async function check(r: TempRepo): Promise<Report> {
  const captured = captureIO(r.dir, r.env);
  await main(['check', '--format', 'json'], captured.io);
  return JSON.parse(captured.stdout()) as Report;
}

describe('monoenv check: guards in files the change does not touch', () => {
  it('finds the flag check two files away, in the repository at the head, and says where', async () => {
    const report = await check(repo(true));
    const risky = report.findings.filter((f) => f.rule === 'risky');
    expect(risky.filter((f) => f.level === 'error' || f.level === 'warning')).toEqual([]);
    expect(report.rules.find((r) => r.rule === 'risky')?.status).toBe('pass');
  });

  it('still fires when the page renders the table for everyone, naming the open path', async () => {
    const report = await check(repo(false));
    const errors = report.findings.filter((f) => f.rule === 'risky' && f.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'src/project/ActionsCell.tsx', startLine: 5 });
    expect(errors[0].message).toContain('src/project/ActionsTable.tsx:3');
    expect(errors[0].message).toContain('src/settings/Settings.tsx:6');
  });
});

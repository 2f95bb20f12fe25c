/**
 * `platesafe release request|decide|ls` (POLICY R8): record an agency's written request
 * (denied at once, rule named, when the profile forbids it), decide it as the profile's
 * approver, and list what is on file. Fulfilment exports detections and runs in the server.
 */
import type { Command } from 'commander';
import { ErrBadInput } from '../../core/errors.js';
import { authorize } from '../../core/policy/authz.js';
import type { ReleaseRequest, ReleaseStatus } from '../../core/releases/registry.js';
import { RELEASE_RULES, type ReleaseScope } from '../../core/releases/rules.js';
import { common, day, optionsOf, parseDate, print, withSignIn } from './rooms.js';

interface RequestOptions {
  agency: string;
  requester: string;
  title?: string;
  purpose: string;
  use: string[];
  case: string;
  search?: string;
  from: string;
  to: string;
  camera?: string[];
  needToKnow?: string;
}

function line(r: ReleaseRequest): string {
  const why = r.rules.length ? ` — ${r.rules.map((k) => `${k}: ${RELEASE_RULES[k]}`).join('; ')}` : '';
  return [r.id, r.status, r.agencyName, r.requester.name, r.case, day(r.received), r.decision ? `${r.decision.approved ? 'approved' : 'denied'} by ${r.decision.by}` : '-'].join('\t') + why;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function scopeOf(o: RequestOptions): ReleaseScope {
  const window = { from: parseDate(o.from, 'from'), to: parseDate(o.to, 'to'), ...(o.camera?.length ? { cameras: o.camera } : {}) };
  return o.search ? { kind: 'search', pattern: o.search, ...window } : { kind: 'range', ...window };
}

export function registerRelease(program: Command): void {
  const cmd = program.command('release').description('release requests from other agencies (POLICY R8)');
  common(cmd.command('request'))
    .description("record an agency's written request")
    .requiredOption('--agency <id>', 'agency id in the registry')
    .requiredOption('--requester <name>', 'the person requesting')
    .option('--title <title>', "the requester's title")
    .requiredOption('--purpose <text>', 'intended purpose, in their words')
    .requiredOption('--use <use>', 'what the use falls under (repeat): a permitted purpose, or immigration_enforcement, out_of_state_enforcement, reproductive_health', collect)
    .requiredOption('--case <number>', 'their case number')
    .option('--search <pattern>', 'scope: the results of this plate or partial-plate search')
    .requiredOption('--from <date>', 'scope starts')
    .requiredOption('--to <date>', 'scope ends')
    .option('--camera <id>', 'limit the scope to a camera (repeat)', collect)
    .option('--need-to-know <text>', 'their need and right to know')
    .action((_o: unknown, c: Command) => {
      const o = optionsOf<RequestOptions>(c);
      const scope = scopeOf(o);
      return withSignIn(o, async (rooms, me) => {
        const r = await rooms.releases.request(me, {
          agency: o.agency,
          requester: { name: o.requester, ...(o.title ? { title: o.title } : {}) },
          purpose: o.purpose,
          uses: o.use as never,
          case: o.case,
          scope,
          ...(o.needToKnow ? { needToKnow: o.needToKnow } : {}),
        });
        print(line(r));
      });
    });
  common(cmd.command('decide <id>'))
    .description("approve or deny a pending request (the profile's approver role)")
    .option('--approve', 'approve it')
    .option('--deny', 'deny it')
    .option('--note <text>', 'reason (required to deny)')
    .action((id: string, _o: unknown, c: Command) => {
      const o = optionsOf<{ approve?: boolean; deny?: boolean; note?: string }>(c);
      if (o.approve === o.deny) throw new ErrBadInput('give exactly one of --approve or --deny');
      return withSignIn(o, async (rooms, me) => print(line(await rooms.releases.decide(me, id, o.approve === true, o.note))));
    });
  common(cmd.command('ls'))
    .description('requests on file')
    .option('--status <status>', 'pending, denied, approved or fulfilled')
    .action((_o: unknown, c: Command) => {
      const o = optionsOf<{ status?: ReleaseStatus }>(c);
      return withSignIn(o, async (rooms, me) => {
        authorize(me.role, 'releases.view');
        for (const r of rooms.releases.list(o.status)) print(line(r));
      });
    });
}

/** `platesafe agency add|ls` (POLICY R8): the registry of agencies data may be released to. */
import type { Command } from 'commander';
import { authorize } from '../../core/policy/authz.js';
import type { Agency } from '../../core/releases/rules.js';
import { common, day, optionsOf, parseDate, print, withSignIn } from './rooms.js';

interface AgencyOptions {
  name: string;
  kind: string;
  state: string;
  federal?: boolean;
  immigration?: boolean;
  contractFrom?: string;
  contractTo?: string;
  authorizedBy?: string;
}

function line(a: Agency): string {
  const contract = a.contract ? `contract ${day(a.contract.from)}..${day(a.contract.to)} (${a.contract.authorizedBy})` : 'no contract';
  return [a.id, a.name, a.kind, a.state, a.federal ? 'federal' : 'state/local', a.immigrationEnforcement ? 'immigration enforcement' : '-', contract].join('\t');
}

export function registerAgency(program: Command): void {
  const cmd = program.command('agency').description('agencies that may request ALPR data (POLICY R8)');
  common(cmd.command('add <id>'))
    .description('add an agency, or update it (a new contract, for instance)')
    .requiredOption('--name <name>', 'agency name')
    .requiredOption('--kind <kind>', 'law_enforcement, prosecutorial, other_public or contracted_entity')
    .requiredOption('--state <code>', 'jurisdiction, e.g. CA')
    .option('--federal', 'a federal agency')
    .option('--immigration', 'its mission includes immigration enforcement')
    .option('--contract-from <date>', 'written contract starts')
    .option('--contract-to <date>', 'written contract ends')
    .option('--authorized-by <name>', "the chief's (or designee's) prior authorisation")
    .action((id: string, _o: unknown, c: Command) => {
      const o = optionsOf<AgencyOptions>(c);
      const contract =
        o.contractFrom || o.contractTo || o.authorizedBy
          ? { from: parseDate(o.contractFrom ?? '', 'contract-from'), to: parseDate(o.contractTo ?? '', 'contract-to'), authorizedBy: o.authorizedBy ?? '' }
          : undefined;
      return withSignIn(o, async (rooms, me) => {
        const a = await rooms.releases.saveAgency(me, {
          id,
          name: o.name,
          kind: o.kind as never,
          state: o.state,
          federal: o.federal === true,
          immigrationEnforcement: o.immigration === true,
          ...(contract ? { contract } : {}),
        });
        print(line(a));
      });
    });
  common(cmd.command('ls'))
    .description('list the registry')
    .action((_o: unknown, c: Command) =>
      withSignIn(optionsOf(c), async (rooms, me) => {
        authorize(me.role, 'agencies.manage');
        for (const a of rooms.releases.listAgencies()) print(line(a));
      }),
    );
}

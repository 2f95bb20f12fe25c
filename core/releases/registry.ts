/**
 * The release room (POLICY R8), stored in `<dataDir>/releases/`: the agency registry and the
 * written release requests. A request is denied at once when a profile rule forbids it (the
 * rules are named), otherwise it waits for the profile's `release.approver`; approved requests
 * stay on file for good (MP 462.7 4). Fulfilment exports exactly the approved scope through
 * the `ReleaseExporter` the detection store supplies, and is recorded. Data is never sold:
 * there is no payment field and no other way out.
 */
import { mkdirSync } from 'node:fs';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { AuditSink } from '../audit/sink.js';
import { ErrApproverRole, ErrBadInput, ErrForbidden, ErrNotFound, ErrReleaseState, ErrSelfApproval } from '../errors.js';
import { authorize, type Principal } from '../policy/authz.js';
import type { Profile } from '../policy/profile.js';
import { parseInput } from '../util/parse.js';
import {
  AgencySchema,
  evaluateRelease,
  RELEASE_RULES,
  RequestSchema,
  type Agency,
  type AgencyInput,
  type ReleaseRequestBody,
  type ReleaseRequestInput,
  type ReleaseRule,
  type ReleaseScope,
} from './rules.js';

export type ReleaseStatus = 'pending' | 'denied' | 'approved' | 'fulfilled';

export interface ReleaseRequest extends ReleaseRequestBody {
  readonly id: string;
  readonly agencyName: string;
  readonly received: number;
  readonly enteredBy: string;
  readonly status: ReleaseStatus;
  /** Rules that denied it automatically (empty when a person decided). */
  readonly rules: readonly ReleaseRule[];
  readonly decision?: { readonly by: string; readonly at: number; readonly approved: boolean; readonly note?: string };
  readonly fulfilment?: { readonly by: string; readonly at: number; readonly count: number; readonly sha256: string; readonly location?: string };
}

/** What the detection store does to fulfil a release: export exactly this scope. */
export interface ReleaseExporter {
  export(scope: ReleaseScope, context: { readonly request: string; readonly agency: string; readonly case: string; readonly by: string }): Promise<{
    readonly count: number;
    readonly sha256: string;
    readonly location?: string;
  }>;
}

export interface ReleasesOptions {
  readonly dir: string;
  readonly profile: Profile;
  readonly audit: AuditSink;
  readonly now?: () => number;
}

export class Releases {
  private readonly root: RootDatabase;
  private readonly agencies: Database<Agency, string>;
  private readonly requests: Database<ReleaseRequest, string>;
  private readonly counters: Database<number, string>;
  private readonly profile: Profile;
  private readonly audit: AuditSink;
  private readonly now: () => number;
  /** Requests being exported right now, so one approval never leaves twice. */
  private readonly fulfilling = new Set<string>();

  private constructor(opts: ReleasesOptions) {
    mkdirSync(opts.dir, { recursive: true });
    this.root = open({ path: opts.dir, compression: false });
    this.agencies = this.root.openDB<Agency, string>({ name: 'agencies' });
    this.requests = this.root.openDB<ReleaseRequest, string>({ name: 'requests' });
    this.counters = this.root.openDB<number, string>({ name: 'counters' });
    this.profile = opts.profile;
    this.audit = opts.audit;
    this.now = opts.now ?? Date.now;
  }

  static open(opts: ReleasesOptions): Releases {
    return new Releases(opts);
  }

  /** Adds an agency or updates its record (a new contract, for instance). */
  async saveAgency(actor: Principal, input: AgencyInput): Promise<Agency> {
    authorize(actor.role, 'agencies.manage');
    const agency = parseInput(AgencySchema, input, 'agency');
    const existed = this.agencies.get(agency.id) !== undefined;
    await this.agencies.put(agency.id, agency);
    await this.audit.record({ action: 'agencies.manage', actor: actor.user, role: actor.role, outcome: 'ok', subject: { agency: agency.id, change: existed ? 'update' : 'add', kind: agency.kind, state: agency.state, contract: agency.contract } });
    return agency;
  }

  agency(id: string): Agency | undefined {
    return this.agencies.get(id);
  }

  listAgencies(): Agency[] {
    return [...this.agencies.getRange({})].map((e) => e.value);
  }

  get(id: string): ReleaseRequest | undefined {
    return this.requests.get(id);
  }

  list(status?: ReleaseStatus): ReleaseRequest[] {
    const all = [...this.requests.getRange({})].map((e) => e.value);
    return status ? all.filter((r) => r.status === status) : all;
  }

  private requireAgency(id: string): Agency {
    const a = this.agencies.get(id);
    if (!a) throw new ErrNotFound(`no agency ${id} in the registry`, { agency: id });
    return a;
  }

  private async nextId(): Promise<string> {
    const n = await this.counters.transaction(() => {
      const next = (this.counters.get('request') ?? 0) + 1;
      void this.counters.put('request', next);
      return next;
    });
    return `R${String(n).padStart(6, '0')}`;
  }

  private async logRelease(actor: Principal, action: string, r: ReleaseRequest, extra: Record<string, unknown> = {}): Promise<void> {
    await this.audit.record({
      action,
      actor: actor.user,
      role: actor.role,
      case: r.case,
      outcome: 'ok',
      subject: { request: r.id, agency: r.agency, agencyName: r.agencyName, status: r.status, ...(r.rules.length ? { rules: r.rules } : {}), ...extra },
    });
  }

  /** Records a written request; denies it at once, naming the rules, when the profile forbids it. */
  async request(actor: Principal, input: ReleaseRequestInput): Promise<ReleaseRequest> {
    authorize(actor.role, 'releases.request');
    const body = parseInput(RequestSchema, input, 'release request');
    const agency = this.requireAgency(body.agency);
    const received = this.now();
    const rules = evaluateRelease(this.profile, agency, body, received);
    const rec: ReleaseRequest = {
      ...body,
      id: await this.nextId(),
      agencyName: agency.name,
      received,
      enteredBy: actor.user,
      status: rules.length ? 'denied' : 'pending',
      rules,
    };
    await this.requests.put(rec.id, rec);
    await this.logRelease(actor, 'releases.request', rec);
    return rec;
  }

  private pending(id: string): ReleaseRequest {
    const r = this.requests.get(id);
    if (!r) throw new ErrNotFound(`no release request ${id}`, { request: id });
    return r;
  }

  /**
   * The designated approver's decision (MP 462.7 3, EC 427.9). Rules are checked again first:
   * a request they now forbid is denied by them, whatever the approver chose.
   */
  async decide(actor: Principal, id: string, approve: boolean, note?: string): Promise<ReleaseRequest> {
    return this.recordingRefusal(actor, 'releases.decide', id, () => this.decideChecked(actor, id, approve, note));
  }

  /**
   * Runs a decision or fulfilment; a refusal (wrong role, self-approval, wrong state, a rule
   * that now forbids it) is recorded with its code before it is rethrown, so attempts are on
   * file as well as outcomes.
   */
  private async recordingRefusal<T>(actor: Principal, action: string, id: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      await this.audit.record({ action, actor: actor.user, role: actor.role, outcome: typeof code === 'string' ? code : 'error', subject: { request: id } });
      throw e;
    }
  }

  private async decideChecked(actor: Principal, id: string, approve: boolean, note?: string): Promise<ReleaseRequest> {
    authorize(actor.role, 'releases.decide');
    if (actor.role !== this.profile.release.approver) {
      throw new ErrApproverRole(`profile ${this.profile.name}: release requests are decided by the ${this.profile.release.approver} role`);
    }
    const r = this.pending(id);
    if (r.status !== 'pending') throw new ErrReleaseState(`request ${id} is ${r.status}, not pending`, { status: r.status });
    if (r.enteredBy === actor.user) throw new ErrSelfApproval(`${actor.user} entered request ${id} and may not decide it`);
    const n = note?.trim();
    if (!approve && !n) throw new ErrBadInput('a denial needs a note giving the reason', { field: 'note' });
    const at = this.now();
    const rules = evaluateRelease(this.profile, this.requireAgency(r.agency), r, at);
    const approved = approve && rules.length === 0;
    const next: ReleaseRequest = {
      ...r,
      status: approved ? 'approved' : 'denied',
      rules,
      decision: { by: actor.user, at, approved, ...(n ? { note: n } : {}) },
    };
    await this.requests.put(id, next);
    await this.logRelease(actor, 'releases.decide', next, { decision: approved ? 'approved' : 'denied' });
    return next;
  }

  /** Exports exactly the approved scope, once, and records what left (count and digest). */
  async fulfil(actor: Principal, id: string, exporter: ReleaseExporter): Promise<ReleaseRequest> {
    return this.recordingRefusal(actor, 'releases.fulfil', id, () => this.fulfilChecked(actor, id, exporter));
  }

  private async fulfilChecked(actor: Principal, id: string, exporter: ReleaseExporter): Promise<ReleaseRequest> {
    authorize(actor.role, 'releases.fulfil');
    const r = this.pending(id);
    if (r.status !== 'approved') throw new ErrReleaseState(`request ${id} is ${r.status}; only approved requests are fulfilled`, { status: r.status });
    const rules = evaluateRelease(this.profile, this.requireAgency(r.agency), r, this.now());
    if (rules.length) {
      throw new ErrForbidden(`request ${id} now breaks: ${rules.map((k) => RELEASE_RULES[k]).join('; ')}`, { rules });
    }
    if (this.fulfilling.has(id)) throw new ErrReleaseState(`request ${id} is being fulfilled`, { status: 'fulfilling' });
    this.fulfilling.add(id);
    try {
      const out = await exporter.export(structuredClone(r.scope), { request: r.id, agency: r.agency, case: r.case, by: actor.user });
      const next: ReleaseRequest = { ...r, status: 'fulfilled', fulfilment: { by: actor.user, at: this.now(), ...out } };
      await this.requests.put(id, next);
      await this.logRelease(actor, 'releases.fulfil', next, { count: out.count, sha256: out.sha256 });
      return next;
    } finally {
      this.fulfilling.delete(id);
    }
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

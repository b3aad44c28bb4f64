// `authapi status`: which profile, where its config lives, what is configured.
// Human text or --json on stdout; exit 2 when the profile is missing or invalid.
import type { Command } from 'commander';
import { SilentExit, ExitCode } from '../errors.js';
import { validateProfile, type Profile } from '../config/profile.js';
import { redactedProfile } from '../config/display.js';
import { defineCommand } from './spec.js';

export interface StatusOptions {
  json?: boolean;
}

export interface StatusReport {
  profile: string;
  configPath: string;
  configured: boolean;
  problems?: string[];
  settings?: Record<string, unknown>;
}

export const statusCommand = defineCommand<StatusOptions>({
  name: 'status',
  summary: 'show the profile in use and what is configured',
  examples: [
    'authapi status',
    'authapi status --json --profile local | jq .configured',
  ],
  define(cmd: Command) {
    cmd.option('--json', 'print one JSON object for scripts');
  },
  async run(ctx, opts) {
    const data = await ctx.readConfig();
    const raw = data.profiles[ctx.profileName];
    const report: StatusReport = { profile: ctx.profileName, configPath: ctx.configPath, configured: false };
    if (raw === undefined) {
      report.problems = [`no profile "${ctx.profileName}" in ${ctx.configPath}`];
    } else {
      const { profile, problems } = validateProfile(raw);
      report.configured = Boolean(profile);
      if (problems.length) report.problems = problems;
      report.settings = redactedProfile(raw as Partial<Profile>);
    }

    if (opts.json) ctx.io.out(JSON.stringify(report) + '\n');
    else ctx.io.out(formatStatus(report));
    if (!report.configured) {
      ctx.io.info(`authapi: profile "${ctx.profileName}" is not usable — run \`authapi configure --profile ${ctx.profileName}\``);
      throw new SilentExit(ExitCode.USAGE);
    }
  },
});

export function formatStatus(r: StatusReport): string {
  const rows: [string, string][] = [
    ['profile', r.profile],
    ['config', r.configPath],
    ['configured', r.configured ? 'yes' : 'no'],
  ];
  for (const [k, v] of Object.entries(r.settings ?? {})) {
    rows.push([k, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  for (const p of r.problems ?? []) rows.push(['problem', p]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${(k + ':').padEnd(width)}${v}`).join('\n') + '\n';
}

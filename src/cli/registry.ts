import { analyzeSecurityEventsCommand } from './analyze-security-events';
import { benchmarkProvidersCommand } from './benchmark-providers';
import { checkConfigCommand } from './check-config';
import { exportAuditLogsCommand } from './export-audit-logs';
import { generateComplianceReportCommand } from './generate-compliance-report';
import { generateTestLoadCommand } from './generate-test-load';
import { probeCommand } from './probe';
import { serveCommand } from './serve';
import { testMonitoringCommand } from './test-monitoring';
import { testProviderCommand } from './test-provider';
import { testProvidersCommand } from './test-providers';
import type { Command } from './types';

/** Every CLI command, by name; `serve` runs when none is given. */
export const commands: readonly Command[] = [
  serveCommand,
  checkConfigCommand,
  probeCommand,
  testProviderCommand,
  testProvidersCommand,
  benchmarkProvidersCommand,
  testMonitoringCommand,
  exportAuditLogsCommand,
  analyzeSecurityEventsCommand,
  generateComplianceReportCommand,
  generateTestLoadCommand,
];

// Shapes of the panel's API, as docs/openapi.yaml and the product docs
// (shared seeds) define them. Only what the interface reads is listed.

export type Role = 'admin' | 'user' | 'reseller';
export type Scope = 'all' | 'read' | 'databases' | 'ftp' | 'cron' | 'files' | 'domains' | 'users' | 'backups';
export const SCOPES: Scope[] = ['all', 'read', 'databases', 'ftp', 'cron', 'files', 'domains', 'users', 'backups'];

export interface ErrorEnvelope {
  success: false;
  code: string;
  error: string;
  message: string;
  status: number;
}

export interface User {
  username: string;
  email: string;
  role: Role;
  status: 'active' | 'suspended';
  creator: string;
  package: string;
  home_dir: string;
  created_at: string;
  // From /auth/me (docs/openapi/auth_security.yaml).
  two_factor_enabled?: boolean;
  impersonated_by?: string | null;
  // The package's limit on backup schedules (/auth/me): -1 unlimited, 0 none.
  max_backups_kept?: number;
}

export interface LoginResponse {
  token: string;
  user: User;
  expires_in: number;
  // Two-factor login: the password was right, a code is needed (no token).
  requires_2fa?: boolean;
  message?: string;
  must_enroll_2fa?: boolean;
  impersonated_by?: string;
}

// Account security (docs/openapi/auth_security.yaml).
export interface TwoFactorStatus {
  enabled: boolean;
  required: boolean;
  recovery_codes_remaining: number;
}

export interface TwoFactorSetup {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface SessionInfo {
  id: string;
  ip: string;
  user_agent: string;
  created_at: string;
  last_seen: string;
  expires_at: string;
  current: boolean;
  impersonated_by: string | null;
}

export interface AuditRecord {
  id: number;
  time: string;
  actor: string;
  acting_as: string;
  account: string;
  credential: string;
  ip: string;
  action: string;
  target: string;
  result: 'ok' | 'denied' | 'failed';
  status: number;
  request_id: string;
  repeats: number; // a coalesced 401/429 refusal's count of the others in its minute
}

export interface AuditPage {
  items: AuditRecord[];
  total: number;
  page: number;
  per_page: number;
}

export interface ApiKey {
  id: string;
  name: string;
  key_prefix: string;
  permissions: Scope[];
  ip_whitelist: string[];
  last_used: string;
  created_at: string;
  expires_at: string;
  enabled: boolean;
}

export interface ApiKeyCreated {
  message: string;
  secret_key: string;
  key: ApiKey;
}

export interface Domain {
  domain: string;
  owner: string;
  document_root: string;
  created_at: string;
}

export interface Health {
  status: string;
  version: string;
  components: Record<string, 'up' | 'down'>;
  // "none" when the panel runs without root and accounts share its Unix
  // user (issue 14); absent from panels older than that field.
  isolation?: string;
}

export interface Database {
  id: string;
  name: string;
  user: string;
  owner: string;
  domain: string;
  remote_access: boolean;
  remote_host: string;
  size_kb: number;
  created_at: string;
  /** "local" or a database host's name. */
  host?: string;
  /** What a client needs (issue 17); null for what there is not. */
  connection?: DatabaseConnection;
}

export interface DatabaseConnection {
  host: string | null;
  port: number | null;
  /** The Unix socket the account's own programs use (local databases). */
  socket: string | null;
  database_host: string;
}

export interface FtpAccount {
  username: string;
  owner: string;
  home_dir: string;
  quota_mb: number;
  read_only: boolean;
  enabled: boolean;
  allowed_ips: string[];
  domain: string;
  sftp?: boolean;
  password_login?: boolean;
  created_at: string;
}

export interface HostKey {
  type: string;
  fingerprint: string;
}

export interface FtpStatus {
  installed: boolean;
  running: boolean;
  total_accounts: number;
  protocols?: {
    // address..tls_required: from panels with issue 17's connection details.
    ftp: { running: boolean; address?: string; port?: number; tls?: boolean; tls_required?: boolean };
    sftp: { enabled: boolean; running: boolean; address?: string; port?: number; host_keys: HostKey[] };
  };
}

export interface FtpKey {
  id: number;
  type: string;
  bits: number;
  fingerprint: string;
  comment: string;
  public_key: string;
  created_at: string;
}

export interface FtpSession {
  id: string;
  account: string;
  protocol: 'ftp' | 'sftp';
  client_ip: string;
  since: string;
  command: string;
}

export interface CronJob {
  id: number;
  name: string;
  command: string;
  cron_expr: string;
  domain: string;
  enabled: boolean;
  owner: string;
  last_run_at: string | null;
  last_run_ok: boolean | null;
  next_run_at: string | null;
  timeout_sec?: number;
  email_on_complete?: string;
  email_on_error?: boolean;
  running?: boolean;
}

export interface FileEntry {
  name: string;
  path: string;
  is_dir: boolean;
  size: number;
  permission: string;
  owner: string;
  mod_time: string;
  is_symlink?: boolean;
  link_target?: string;
}

// "Never" as the product writes it.
export const NEVER = '0001-01-01T00:00:00Z';

export interface CronRun {
  id: number;
  job_id?: number;
  trigger: 'schedule' | 'manual';
  status: 'running' | 'finished' | 'skipped';
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  timed_out: boolean;
  truncated?: boolean;
  ok: boolean;
  output: string;
}

// GET /cronjobs/preview: the next runs as the panel's scheduler computes them.
export interface CronSchedulePreview {
  expression: string;
  next_runs: string[];
}

export interface CronLogs {
  logs: CronRun[];
  total: number;
  page: number;
  per_page: number;
}

export interface FtpAnonymous {
  domain: string;
  enabled: boolean;
  read_only: boolean;
  directory: string;
}

// GET /usage, /users/{username}/usage: what an account uses of its
// package's limits (-1 = unlimited).
export interface AccountUsage {
  username: string;
  package: string;
  usage: Record<string, { used: number; limit: number }>;
  near_limit: string[];
  over_limit: string[];
}

export interface Package {
  name: string;
  max_domains: number;
  max_databases: number;
  max_ftp_accounts: number;
  max_cron_jobs: number;
  disk_quota_mb: number;
  max_backups_kept: number;
  max_database_users?: number; // extra database users (issue 21)
  require_2fa: boolean; // accounts must enable two-factor login first
  sftp: boolean; // its FTP accounts may log in over SFTP
  created_at: string;
}

export interface TrashItem {
  trash_path: string;
  original_path: string;
  name: string;
  is_dir: boolean;
  size: number;
  deleted_at: string;
}

export interface FileVersion {
  id: string;
  size: number;
  saved_at: string;
}

export interface FileSettings {
  recycle_bin_enabled: boolean;
  editor_font_size: number;
  editor_theme: string;
}

export interface FileContent {
  content: string;
  path: string;
  size: number;
}

export interface SearchResult {
  results: FileEntry[];
  truncated: boolean;
  stopped_by?: 'limit' | 'time';
}

// The dashboards (docs/dashboard.md).
export interface CronFailure {
  run_id: number;
  job_id: number;
  owner: string;
  name: string;
  finished_at: string;
  exit_code: number | null;
  timed_out: boolean;
}

export interface LoginAttempt {
  at: string;
  username: string;
  ip: string;
  result: string;
  detail: string;
}

export interface UserUsage extends AccountUsage {
  recent_cron_failures: CronFailure[];
  recent_logins: LoginAttempt[];
}

export interface SystemStats {
  accounts: { total: number; active: number; suspended: number; admins: number };
  components: Record<string, 'up' | 'down'>;
  versions: Record<string, string>;
  cpu: { cores: number; load: number[] };
  memory: { total_bytes: number; available_bytes: number; panel_rss_bytes: number };
  uptime_s: number;
  disks: { mount: string; type: string; total_bytes: number; used_bytes: number; free_bytes: number }[];
  biggest_accounts: { username: string; disk_bytes: number }[];
  failed_logins: LoginAttempt[];
  cron_failures: CronFailure[];
}

// Resellers (docs/openapi/resellers.yaml).
export interface ResellerAllocation {
  max_users: number;
  max_domains: number;
  max_databases: number;
  max_ftp_accounts: number;
  max_cron_jobs: number;
  disk_quota_mb: number;
}

export interface Reseller extends ResellerAllocation {
  username: string;
  email: string;
  status: 'active' | 'suspended';
  package: string;
  users_count: number;
  // What its customers' packages add up to (-1: some unlimited).
  allocated: ResellerAllocation;
  created_at: string;
}

export interface ResellerUsage {
  username: string;
  usage: Record<string, { used: number; allocated: number; limit: number }>;
  customers: { username: string; package: string; usage: Record<string, { used: number; limit: number }> }[];
}

export type ResellerDashboard = ResellerUsage & { role: 'reseller' };

// A database's users (docs/openapi/database_users.yaml): the first one
// (`primary`) and the extra ones with a privilege set.
export type DatabasePrivileges = 'read' | 'read_write' | 'all' | string[];

export interface DatabaseUser {
  user: string;
  database: string;
  primary: boolean;
  privileges: DatabasePrivileges;
  remote_host: string | null;
  created_at: string;
}

// Database hosts (admin, docs/openapi/database_hosts.yaml).
export interface DatabaseHostHealth {
  address: string;
  reachable: boolean;
  state: string;
  ready: boolean;
  cluster_size?: number;
  cluster_status?: string;
}

export interface DatabaseHost {
  id: string;
  name: string;
  kind: 'local' | 'mariadb' | 'galera';
  host: string;
  port: number;
  nodes?: { host: string; port: number }[];
  admin_user: string;
  client_host: string;
  tls: boolean;
  max_databases: number;
  enabled: boolean;
  databases: number;
  packages?: string[]; // new databases of these packages go here by default
  up: boolean;
  health: DatabaseHostHealth[];
  created_at: string;
}

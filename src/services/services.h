#pragma once
// Every service of the panel, built once at start-up and handed to the
// handlers by the dispatcher.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "services/api_key_service.h"
#include "services/audit_service.h"
#include "services/auth_service.h"
#include "services/disk_usage.h"
#include "services/domain_service.h"
#include "services/package_service.h"
#include "services/panel.h"
#include "services/reseller_service.h"
#include "services/security_service.h"
#include "services/user_service.h"

namespace wsp {

class DatabaseService;      // services/database_service.h
class FtpService;           // services/ftp_service.h
class CronService;          // services/cron_service.h
class FileService;          // services/file_service.h (operations)
class FileTrash;            // services/file_trash.h (recycle bin)
class FileHistory;          // services/file_history.h (versions)
class FileSettingsService;  // services/file_settings.h
class ShareService;         // services/share_service.h
class TransferService;      // services/transfer_service.h (uploads, downloads)
class BackupService;        // services/backup_service.h (backups, export/import)
class IdempotencyService;   // services/idempotency_service.h (Idempotency-Key)
class WebhookService;       // services/webhook_service.h
class SsoService;           // services/sso_service.h (single sign-on)
class Metrics;              // services/metrics.h (GET /metrics)

// A managed component's state for /health ("up" or "down").
using HealthProbe = std::function<bool()>;

struct Services {
    explicit Services(PanelContext& c)
        : ctx(c),
          audit(c),
          security(c, audit),
          auth(c, audit, security),
          users(c),
          keys(c),
          packages(c),
          domains(c),
          resellers(c, users),
          disk_usage(c) {}

    PanelContext& ctx;
    AuditService audit;        // the audit log (services/audit_service.h)
    SecurityService security;  // 2FA, sessions, reauth, login-as
    AuthService auth;
    UserService users;
    ApiKeyService keys;
    PackageService packages;
    DomainService domains;
    ResellerService resellers;  // docs/resellers.md
    DiskUsage disk_usage;       // each home's disk figure (services/disk_usage.h)
    std::map<std::string, HealthProbe> health;

    // The areas, set by their wire_*() function (app/wire.h); null until then.
    std::shared_ptr<DatabaseService> databases;
    std::shared_ptr<FtpService> ftp;
    std::shared_ptr<CronService> cron;
    std::shared_ptr<FileService> files;
    std::shared_ptr<FileTrash> file_trash;               // built by wire_files
    std::shared_ptr<FileHistory> file_history;           // built by wire_files
    std::shared_ptr<FileSettingsService> file_settings;  // built by wire_files
    std::shared_ptr<ShareService> shares;
    std::shared_ptr<TransferService> transfer;  // built by wire_files
    std::shared_ptr<BackupService> backups;
    // Integrations (wire_integrations, docs/integrations.md).
    std::shared_ptr<IdempotencyService> idempotency;
    std::shared_ptr<WebhookService> webhooks;
    std::shared_ptr<SsoService> sso;
    std::shared_ptr<Metrics> metrics;
};

}  // namespace wsp

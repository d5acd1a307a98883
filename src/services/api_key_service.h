#pragma once
// API keys: `wsp_` + 48 hex secrets shown once and stored as sha256, with
// scopes, an IP allow-list, expiry, enable/disable and a per-key rate limit.
#include <optional>
#include <string>
#include <vector>

#include "services/caller.h"
#include "services/panel.h"
#include "store/records.h"

namespace wsp {

struct NewApiKey {
    std::string name;
    std::optional<std::vector<std::string>> permissions;  // default {"read"}
    std::vector<std::string> ip_whitelist;
    int64_t expires_in_days = 0;        // 0: never
    std::optional<int64_t> rate_limit;  // admin only; 0: unlimited
};

struct CreatedApiKey {
    std::string secret;
    ApiKeyRecord key;
};

class ApiKeyService {
  public:
    explicit ApiKeyService(PanelContext& ctx) : ctx_(ctx) {}

    Result<CreatedApiKey> create(const Caller& caller, const std::string& username,
                                 const NewApiKey& input);
    // For the command line: no caller, any scopes and limit.
    Result<CreatedApiKey> create_offline(const std::string& username, const NewApiKey& input);
    Result<std::vector<ApiKeyRecord>> list(const Caller& caller, const std::string& username);
    Result<ApiKeyRecord> set_enabled(const Caller& caller, const std::string& username,
                                     const std::string& id, bool enabled);
    Result<void> revoke(const Caller& caller, const std::string& username, const std::string& id);

    // Writes last_used times kept in memory back to the store.
    void flush_last_used();

  private:
    Result<CreatedApiKey> insert(const std::string& username, const NewApiKey& input);
    Result<ApiKeyRecord> find_owned(const ReadTx& tx, const Caller& caller,
                                    const std::string& username, const std::string& id);

    PanelContext& ctx_;
};

}  // namespace wsp

#pragma once
// Domains: unique across the server, each with a web directory in its
// owner's home at ~/web/<domain>/public_html.
#include <optional>
#include <string>
#include <vector>

#include "base/page.h"
#include "services/caller.h"
#include "services/panel.h"
#include "store/records.h"

namespace wsp {

class DomainService {
  public:
    explicit DomainService(PanelContext& ctx) : ctx_(ctx) {}

    // A user sees its own domains; an admin every owner's, or one owner's.
    Result<std::vector<DomainRecord>> list(const Caller& caller,
                                           const std::optional<std::string>& owner);
    // One page of that list (read by the store) and its total.
    Result<Paged<DomainRecord>> list_page(const Caller& caller,
                                          const std::optional<std::string>& owner,
                                          const PageSpec& page);
    Result<DomainRecord> get(const Caller& caller, const std::string& domain);
    Result<DomainRecord> create(const Caller& caller, const std::string& domain,
                                const std::optional<std::string>& owner);
    Result<void> remove(const Caller& caller, const std::string& domain);

    // A `domain` field anywhere must name a domain of `owner`; else 400.
    Result<std::string> ensure_owned(const std::string& owner, const std::string& domain);

    // The web directory, relative to the owner's home.
    static std::string web_dir(const std::string& domain);

  private:
    PanelContext& ctx_;
};

// Who an item is created for: the caller, or (admin only) `requested`.
Result<std::string> resolve_owner(Db& db, const Caller& caller,
                                  const std::optional<std::string>& requested);

}  // namespace wsp

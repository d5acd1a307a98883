#pragma once
// Every service of the panel, built once at start-up and handed to the
// handlers by the dispatcher.
#include <functional>
#include <map>
#include <string>

#include "services/api_key_service.h"
#include "services/auth_service.h"
#include "services/domain_service.h"
#include "services/package_service.h"
#include "services/panel.h"
#include "services/user_service.h"

namespace wsp {

// A managed component's state for /health ("up" or "down").
using HealthProbe = std::function<bool()>;

struct Services {
    explicit Services(PanelContext& c)
        : ctx(c), auth(c), users(c), keys(c), packages(c), domains(c) {}

    PanelContext& ctx;
    AuthService auth;
    UserService users;
    ApiKeyService keys;
    PackageService packages;
    DomainService domains;
    std::map<std::string, HealthProbe> health;
};

}  // namespace wsp

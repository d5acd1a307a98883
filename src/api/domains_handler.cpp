#include "api/encode.h"
#include "api/handlers.h"
#include "api/paging.h"
#include "api/respond.h"

namespace wsp::api {
namespace {
auto encoder(Services& s) {
    return [&s](const DomainRecord& d) { return domain_json(d, s.ctx.identity); };
}
}  // namespace

Response list_domains(Services& s, const Request& r) {
    TRY_OR_RESPOND(PageSpec page, page_spec(r));
    return respond_page(s.domains.list_page(*r.caller, r.query("owner"), page), r, page,
                        encoder(s));
}

Response create_domain(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto domain, f.required_string("domain", "Domain"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return respond(s.domains.create(*r.caller, domain, owner), encoder(s), 201);
}

Response get_domain(Services& s, const Request& r) {
    return respond(s.domains.get(*r.caller, r.param("domain")), encoder(s));
}

Response delete_domain(Services& s, const Request& r) {
    return respond_message(s.domains.remove(*r.caller, r.param("domain")), "Domain deleted");
}

}  // namespace wsp::api

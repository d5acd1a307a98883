#pragma once
// Events the services announce after a change is committed (user.created,
// database.deleted, cron.failed, ...). The webhook service is the sink
// (docs/integrations.md); with none wired, emit_event() does nothing.
// emit() only queues: it never blocks on the network and must not be
// called inside a store write (it writes the store itself).
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "services/panel.h"

namespace wsp {

class EventSink {
  public:
    virtual ~EventSink() = default;
    // `owner`: the account the event is about ("" for the panel itself);
    // its webhooks and every admin's hear it.
    virtual void emit(std::string_view event, const std::string& owner,
                      boost::json::object data) = 0;
};

inline void emit_event(const PanelContext& ctx, std::string_view event, const std::string& owner,
                       boost::json::object data) {
    if (ctx.events) ctx.events->emit(event, owner, std::move(data));
}

}  // namespace wsp

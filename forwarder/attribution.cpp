#include "forwarder/attribution.hpp"

#include "forwarder/clock.hpp"

namespace forwarder {
namespace {

HeldReport held_report(std::string reason, std::string why, const dsn::Report& report, const ProducerContext& ctx) {
    HeldReport held;
    // Keyed by the report (its Message-ID, else its bytes): the same report mailed again is kept once.
    held.key = idempotency_key("", report.message_id, ctx.message, "held", reason);
    held.reason = std::move(reason);
    held.why = std::move(why);
    held.source = ctx.source;
    held.queue_id = ctx.queue_id;
    held.dsn_message_id = report.message_id;
    held.created_at = rfc3339(ctx.received);
    held.recipients = report.events.size();
    held.recipients_capped = report.recipients_capped;
    return held;
}

}  // namespace

Attribution attribute(std::vector<Event> events, const dsn::Report& report, const ProducerContext& ctx) {
    Attribution out;
    if (events.empty()) return out;

    if (report.recipients_capped || events.size() > ctx.max_events_per_report) {
        const std::string named = report.recipients_capped ? "more than " + std::to_string(report.events.size())
                                                           : std::to_string(events.size());
        out.held = held_report("suspect",
                               "names " + named + " recipients (more than max_events_per_report = " +
                                   std::to_string(ctx.max_events_per_report) + "): not a report about one message",
                               report, ctx);
        out.held->events = std::move(events);
        return out;
    }

    std::vector<Event> unattributed;
    for (Event& e : events) {
        if (!e.subscriber_uuid.empty() || ctx.forward_without_uuid) out.forward.push_back(std::move(e));
        else unattributed.push_back(std::move(e));
    }
    if (!unattributed.empty()) {
        out.held = held_report("unattributed",
                               "no subscriber UUID (X-Listmonk-Subscriber, List-Unsubscribe or VERP address) and "
                               "forward_without_uuid = false",
                               report, ctx);
        out.held->events = std::move(unattributed);
    }
    return out;
}

}  // namespace forwarder

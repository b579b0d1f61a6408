// Who may be reported to listmonk. Anyone can mail the bounce address (it is the Return-Path of every
// campaign), and listmonk blocklists on the first hard bounce or complaint, so an event is forwarded
// only when it names a subscriber by the UUID that listmonk put into its own mail (X-Listmonk-Subscriber,
// its List-Unsubscribe URL, or the VERP token of the address the bounce came back to): an outsider
// does not know those. The rest is held in the outbox for a human, never sent to a sink.
#pragma once

#include "dsn/report.hpp"
#include "forwarder/event.hpp"
#include "forwarder/held_report.hpp"
#include "forwarder/producer.hpp"

#include <optional>
#include <vector>

namespace forwarder {

// Recipients the milter and the backfill read from one report at most (dsn::Options::max_recipients).
// A report with more is held as suspect with these; max_events_per_report stays below it.
inline constexpr std::size_t kRecipientsReadPerReport = 200;

struct Attribution {
    std::vector<Event> forward;       // to the sinks
    std::optional<HeldReport> held;   // kept in the outbox, never forwarded
};

// Splits the events of one report (from events_from_report):
//  - a report naming more than ctx.max_events_per_report events, or more than the parser read, is
//    held whole as "suspect": a delivery report about one campaign message names one recipient;
//  - otherwise events with a subscriber UUID are forwarded, and those without are held as
//    "unattributed" unless ctx.forward_without_uuid.
Attribution attribute(std::vector<Event> events, const dsn::Report& report, const ProducerContext& ctx);

}  // namespace forwarder

// Outbox figures for /metrics, read from the outbox file at scrape time (Outbox::stats(), a read-only
// query on its own connection), so they cover every process sharing the file and cost nothing per event.
#pragma once

#include "forwarder/dispatcher.hpp"
#include "forwarder/outbox.hpp"
#include "metrics/registry.hpp"

namespace forwarder {

// Registers bounce_outbox_deliveries{sink,state}, bounce_outbox_depth{sink},
// bounce_outbox_oldest_pending_age_seconds{sink} and bounce_outbox_held_reports{reason}. `outbox` must outlive every scrape of `registry`.
void add_outbox_metrics(metrics::Registry& registry, Outbox& outbox);

// Registers bounce_sink_config_problem{sink}: 1 while a sink's latest attempt failed with a
// configuration problem, else 0; and bounce_sink_attempts_total{sink,result}. `dispatcher` must outlive every scrape of `registry`.
void add_sink_metrics(metrics::Registry& registry, const Dispatcher& dispatcher);

// The same families for given stats (what the collector renders; exposed for tests).
std::vector<metrics::FamilySnapshot> outbox_families(const std::vector<SinkStats>& stats);
// bounce_sink_attempts_total{sink,result} for Dispatcher::sink_attempts().
metrics::FamilySnapshot attempts_family(const std::vector<Dispatcher::SinkAttempts>& sinks);
// bounce_outbox_held_reports{reason} for Outbox::held_counts().
metrics::FamilySnapshot held_family(const std::map<std::string, std::size_t>& held);

}  // namespace forwarder

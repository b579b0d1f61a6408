#include "forwarder/outbox_metrics.hpp"

namespace forwarder {

std::vector<metrics::FamilySnapshot> outbox_families(const std::vector<SinkStats>& stats) {
    metrics::FamilySnapshot deliveries{"bounce_outbox_deliveries",
                                       "Deliveries in the outbox per sink and state: pending (not tried yet), retrying "
                                       "(failed, next attempt scheduled), dead (given up), delivered (kept for the "
                                       "dedup window).",
                                       metrics::Type::gauge, {"sink", "state"}, {}, {}};
    metrics::FamilySnapshot depth{"bounce_outbox_depth", "Events a sink has not delivered yet (pending + retrying).",
                                  metrics::Type::gauge, {"sink"}, {}, {}};
    metrics::FamilySnapshot oldest{"bounce_outbox_oldest_pending_age_seconds",
                                   "Age of the oldest event a sink has not delivered yet; 0 when none.",
                                   metrics::Type::gauge, {"sink"}, {}, {}};
    for (const SinkStats& s : stats) {
        const auto untried = s.pending >= s.retrying ? s.pending - s.retrying : 0;
        deliveries.samples.push_back({{s.sink, "pending"}, static_cast<double>(untried)});
        deliveries.samples.push_back({{s.sink, "retrying"}, static_cast<double>(s.retrying)});
        deliveries.samples.push_back({{s.sink, "dead"}, static_cast<double>(s.dead)});
        deliveries.samples.push_back({{s.sink, "delivered"}, static_cast<double>(s.delivered)});
        depth.samples.push_back({{s.sink}, static_cast<double>(s.pending)});
        oldest.samples.push_back({{s.sink}, static_cast<double>(s.oldest_pending_age_ms) / 1000.0});
    }
    return {std::move(deliveries), std::move(depth), std::move(oldest)};
}

metrics::FamilySnapshot held_family(const std::map<std::string, std::size_t>& held) {
    metrics::FamilySnapshot family{"bounce_outbox_held_reports",
                                   "Reports kept in the outbox and never forwarded, by reason: unattributed (no "
                                   "subscriber UUID) or suspect (more events than one report has).",
                                   metrics::Type::gauge, {"reason"}, {}, {}};
    for (const auto& [reason, count] : held) family.samples.push_back({{reason}, static_cast<double>(count)});
    return family;
}

void add_outbox_metrics(metrics::Registry& registry, Outbox& outbox) {
    registry.add_collector([&outbox] {
        auto families = outbox_families(outbox.stats());
        families.push_back(held_family(outbox.held_counts()));
        return families;
    });
}

metrics::FamilySnapshot attempts_family(const std::vector<Dispatcher::SinkAttempts>& sinks) {
    metrics::FamilySnapshot family{"bounce_sink_attempts_total",
                                   "Delivery attempts per sink in this process by result: delivered, temporary "
                                   "(unreachable, timeout, 5xx, 429; retried), config (credentials, URL, webhooks "
                                   "off; retried slowly), refused (dead letter).",
                                   metrics::Type::counter, {"sink", "result"}, {}, {}};
    for (const auto& c : sinks) {
        family.samples.push_back({{c.sink, "delivered"}, static_cast<double>(c.delivered)});
        family.samples.push_back({{c.sink, "temporary"}, static_cast<double>(c.temporary)});
        family.samples.push_back({{c.sink, "config"}, static_cast<double>(c.config)});
        family.samples.push_back({{c.sink, "refused"}, static_cast<double>(c.refused)});
    }
    return family;
}

void add_sink_metrics(metrics::Registry& registry, const Dispatcher& dispatcher) {
    registry.add_collector([&dispatcher] {
        metrics::FamilySnapshot problem{"bounce_sink_config_problem",
                                        "1 while a sink's latest delivery failed with a configuration problem "
                                        "(credentials, URL, listmonk's bounce webhooks off); retries will not fix it.",
                                        metrics::Type::gauge, {"sink"}, {}, {}};
        const auto sinks = dispatcher.sink_attempts();
        for (const auto& s : sinks) problem.samples.push_back({{s.sink}, s.config_problem ? 1.0 : 0.0});
        return std::vector<metrics::FamilySnapshot>{std::move(problem), attempts_family(sinks)};
    });
}

}  // namespace forwarder

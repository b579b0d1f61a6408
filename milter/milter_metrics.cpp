#include "milter/milter_metrics.hpp"

#include "dsn/receivers.hpp"

namespace milter {

MilterMetrics::MilterMetrics(metrics::Registry& registry)
    : messages_(registry.counter_family(
          "bounce_milter_messages_total",
          "Messages seen, by what they turned out to be (outcome) and what the MTA was told (action).",
          {"outcome", "action"})),
      bounces_(registry.counter_family("bounce_milter_bounces_total",
                                       "Bounce events recorded in the outbox, by type, reason and receiver family "
                                       "(re-deliveries of a known bounce included; see "
                                       "bounce_milter_duplicate_events_total).",
                                       {"type", "reason", "receiver"})),
      duplicates_(registry.counter("bounce_milter_duplicate_events_total",
                                   "Events the outbox already had (the same bounce delivered twice), not forwarded again.")),
      held_(registry.counter_family("bounce_milter_held_events_total",
                                    "Events kept in the outbox and not forwarded: unattributed (no subscriber "
                                    "UUID) or suspect (a report naming more than max_events_per_report).",
                                    {"reason"})),
      truncated_(registry.counter("bounce_milter_truncated_messages_total",
                                  "Bounce-address messages larger than max_message_bytes: only the prefix was parsed.")),
      parse_seconds_(registry.histogram("bounce_milter_parse_seconds",
                                        "Time to parse one message addressed to a bounce address.",
                                        metrics::fast_seconds_buckets())) {
    // Create the common series up front, so they read 0 (not absent) before the first message.
    for (const char* action : {"accept", "discard", "tempfail"}) messages_.with({"recorded", action});
    messages_.with({"no_bounce_recipient", "accept"});
    messages_.with({"not_bounce", "accept"});
    messages_.with({"failed", "tempfail"});
    for (const char* reason : {"unattributed", "suspect"}) held_.with({reason});
}

const char* outcome_label(CaptureOutcome::Status status) noexcept {
    using S = CaptureOutcome::Status;
    switch (status) {
        case S::not_bounce: return "not_bounce";
        case S::bounce_without_events: return "bounce_without_events";
        case S::filtered: return "filtered";
        case S::recorded: return "recorded";
        case S::held: return "held";
        case S::failed: return "failed";
    }
    return "unknown";
}

const char* action_label(const EndOfMessage& eom) noexcept {
    if (!eom.delete_recipients.empty()) return "deliver_others";
    switch (eom.verdict) {
        case Verdict::discard: return "discard";
        case Verdict::tempfail: return "tempfail";
        case Verdict::proceed:
        case Verdict::accept:
        case Verdict::skip: break;
    }
    return "accept";
}

std::string_view receiver_label(std::string_view receiver) noexcept {
    for (std::string_view family : dsn::receivers::families())
        if (family == receiver) return family;
    return "other";
}

void MilterMetrics::count_passed() noexcept {
    try {
        messages_.with({"no_bounce_recipient", "accept"}).add();
    } catch (...) {
        // Only the first use of a label set allocates; without memory, a lost count is the least problem.
    }
}

void MilterMetrics::count_end_of_message(const EndOfMessage& eom, bool to_bounce_address) noexcept {
    if (!to_bounce_address) return count_passed();  // an MTA that skipped DATA, where these are accepted
    try {
        messages_.with({outcome_label(eom.outcome.status), action_label(eom)}).add();
        if (eom.truncated) truncated_.add();
        if (eom.outcome.status == CaptureOutcome::Status::recorded) {
            for (const CapturedEvent& e : eom.outcome.events)
                bounces_.with({e.type, e.reason, receiver_label(e.receiver)}).add();
            duplicates_.add(eom.outcome.duplicates);
        }
        if (!eom.outcome.held.empty()) held_.with({eom.outcome.held_reason}).add(eom.outcome.held.size());
    } catch (...) {
        // As above: never let counting fail a message.
    }
}

}  // namespace milter

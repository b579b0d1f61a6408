#include "milter/outbox_capturer.hpp"

#include "dsn/report.hpp"
#include "forwarder/attribution.hpp"
#include "forwarder/producer.hpp"

#include <chrono>

namespace milter {

namespace {

CapturedEvent describe(const forwarder::Event& e) {
    CapturedEvent out;
    out.recipient = !e.email.empty() ? e.email : e.subscriber_uuid;
    out.type = e.type;
    if (auto it = e.meta.find("reason"); it != e.meta.end() && it->is_string()) out.reason = it->get<std::string>();
    if (auto it = e.meta.find("receiver"); it != e.meta.end() && it->is_string()) out.receiver = it->get<std::string>();
    return out;
}

CapturedEvent describe(const dsn::Event& e) { return {e.recipient, dsn::to_string(e.type), e.reason, e.receiver}; }

}  // namespace

CaptureOutcome OutboxCapturer::capture(std::string_view message, const MessageInfo& info) {
    using S = CaptureOutcome::Status;
    CaptureOutcome outcome;

    dsn::Options parse_options;
    parse_options.max_bytes = message.size();
    parse_options.max_recipients = forwarder::kRecipientsReadPerReport;
    const auto parse_started = std::chrono::steady_clock::now();
    const dsn::Report report = dsn::parse(message, parse_options);
    if (parse_seconds_) parse_seconds_->observe(std::chrono::steady_clock::now() - parse_started);
    if (report.kind == dsn::Kind::none || report.kind == dsn::Kind::autoreply) {
        outcome.status = S::not_bounce;
        return outcome;
    }
    if (report.events.empty()) {
        outcome.status = S::bounce_without_events;
        return outcome;
    }

    const conf::MilterConfig& policy = *config_->milter;
    forwarder::ProducerContext context;
    context.envelope_recipients = info.bounce_recipients;
    context.verp_template = policy.verp;
    context.forward_delayed = policy.forward_delayed;
    context.forward_without_uuid = policy.forward_without_uuid;
    context.max_events_per_report = policy.max_events_per_report;
    context.reason_types = policy.reason_types;
    context.source = policy.source;
    context.queue_id = info.queue_id;
    context.message = message;
    std::vector<forwarder::Event> events = forwarder::events_from_report(report, context);
    if (events.empty()) {
        outcome.status = S::filtered;
        for (const auto& e : report.events) outcome.events.push_back(describe(e));
        return outcome;
    }
    forwarder::Attribution attribution = forwarder::attribute(std::move(events), report, context);

    try {
        if (attribution.held) {
            outbox_.hold(*attribution.held);
            outcome.held_reason = attribution.held->reason;
            outcome.held_why = attribution.held->why;
            outcome.held_recipients = attribution.held->recipients;
            for (const auto& e : attribution.held->events) outcome.held.push_back(describe(e));
        }
        if (!attribution.forward.empty()) {
            const forwarder::EnqueueResult result = outbox_.enqueue(attribution.forward);
            outcome.duplicates = result.duplicates;
            for (const auto& e : attribution.forward) outcome.events.push_back(describe(e));
        }
        outcome.status = attribution.forward.empty() ? S::held : S::recorded;
    } catch (const std::exception& e) {
        outcome.status = S::failed;
        outcome.error = e.what();
    }
    return outcome;
}

}  // namespace milter

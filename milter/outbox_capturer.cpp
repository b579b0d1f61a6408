#include "milter/outbox_capturer.hpp"

#include "dsn/report.hpp"
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

    forwarder::ProducerContext context;
    context.envelope_recipients = info.bounce_recipients;
    context.verp_template = config_->milter->verp;
    context.forward_delayed = config_->milter->forward_delayed;
    context.reason_types = config_->milter->reason_types;
    context.source = config_->milter->source;
    context.queue_id = info.queue_id;
    context.message = message;
    const std::vector<forwarder::Event> events = forwarder::events_from_report(report, context);
    if (events.empty()) {
        outcome.status = S::filtered;
        for (const auto& e : report.events) outcome.events.push_back(describe(e));
        return outcome;
    }

    try {
        const forwarder::EnqueueResult result = outbox_.enqueue(events);
        outcome.status = S::recorded;
        outcome.duplicates = result.duplicates;
        for (const auto& e : events) outcome.events.push_back(describe(e));
    } catch (const std::exception& e) {
        outcome.status = S::failed;
        outcome.error = e.what();
    }
    return outcome;
}

}  // namespace milter

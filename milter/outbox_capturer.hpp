// The production Capturer: dsn::parse -> forwarder::events_from_report -> Outbox::enqueue (durable).
// Nothing here touches the network; the Dispatcher delivers from the outbox in its own threads.
#pragma once

#include "conf/config.hpp"
#include "forwarder/outbox.hpp"
#include "metrics/histogram.hpp"
#include "milter/capturer.hpp"

#include <memory>

namespace milter {

class OutboxCapturer : public Capturer {
public:
    // `config` supplies the producer policy (VERP template, forward_delayed, reason overrides, source).
    // `parse_seconds`, when given, receives the time each parse took.
    OutboxCapturer(std::shared_ptr<const conf::Config> config, forwarder::Outbox& outbox,
                   metrics::Histogram* parse_seconds = nullptr)
        : config_(std::move(config)), outbox_(outbox), parse_seconds_(parse_seconds) {}

    CaptureOutcome capture(std::string_view message, const MessageInfo& info) override;

private:
    std::shared_ptr<const conf::Config> config_;
    forwarder::Outbox& outbox_;
    metrics::Histogram* parse_seconds_;
};

}  // namespace milter

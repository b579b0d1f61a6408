// The production Capturer: dsn::parse -> forwarder::events_from_report -> Outbox::enqueue (durable).
// Nothing here touches the network; the Dispatcher delivers from the outbox in its own threads.
#pragma once

#include "conf/config.hpp"
#include "forwarder/outbox.hpp"
#include "milter/capturer.hpp"

#include <memory>

namespace milter {

class OutboxCapturer : public Capturer {
public:
    // `config` supplies the producer policy (VERP template, forward_delayed, reason overrides, source).
    OutboxCapturer(std::shared_ptr<const conf::Config> config, forwarder::Outbox& outbox)
        : config_(std::move(config)), outbox_(outbox) {}

    CaptureOutcome capture(std::string_view message, const MessageInfo& info) override;

private:
    std::shared_ptr<const conf::Config> config_;
    forwarder::Outbox& outbox_;
};

}  // namespace milter

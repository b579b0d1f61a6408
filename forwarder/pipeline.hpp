// Everything a producer program needs from a loaded config: the outbox with one delivery state per
// configured sink, and the dispatcher draining it. Producers call outbox().enqueue(); that never
// touches the network.
#pragma once

#include "conf/config.hpp"
#include "forwarder/dispatcher.hpp"
#include "forwarder/outbox.hpp"

#include <memory>

namespace forwarder {

class Pipeline {
public:
    // Opens the outbox at config.outbox.path; throws OutboxError when it cannot be used.
    explicit Pipeline(const conf::Config& config);
    ~Pipeline();  // stops the workers
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    Outbox& outbox() { return *outbox_; }
    const Dispatcher& dispatcher() const { return *dispatcher_; }
    void start() { dispatcher_->start(); }
    void stop() { dispatcher_->stop(); }

private:
    std::unique_ptr<Outbox> outbox_;
    std::unique_ptr<Dispatcher> dispatcher_;
};

}  // namespace forwarder

// What every sink (listmonk, Redis, file) offers the delivery workers. One sink object is used by
// exactly one worker thread, so a sink may keep a connection without locking.
#pragma once

#include "forwarder/event.hpp"

#include <string>
#include <vector>

namespace forwarder {

struct DeliveryResult {
    enum class Kind { delivered, retry, permanent };
    Kind kind = Kind::delivered;
    std::string reason;           // why not delivered (for logs and the outbox's last_error)
    bool config_problem = false;  // retry slowly and alert: credentials, URL, a disabled feature

    static DeliveryResult ok() { return {}; }
    static DeliveryResult retry(std::string why, bool config = false) { return {Kind::retry, std::move(why), config}; }
    static DeliveryResult permanent(std::string why) { return {Kind::permanent, std::move(why), false}; }
};

class Sink {
public:
    virtual ~Sink() = default;
    virtual const std::string& name() const = 0;
    // Never throws: every failure is a DeliveryResult.
    virtual DeliveryResult deliver(const Event& event) noexcept = 0;

    // Sinks that make several events durable at the cost of one (the file sink: one fdatasync per
    // batch instead of one per event) answer true, and the delivery worker hands them whole batches.
    virtual bool delivers_batches() const { return false; }
    // All or nothing: ok means every event in `events` is delivered. Any other result means none may
    // be counted as delivered (some may have been written; redelivery is allowed, loss is not).
    virtual DeliveryResult deliver_batch(const std::vector<const Event*>& events) noexcept {
        for (const Event* event : events) {
            DeliveryResult result = deliver(*event);
            if (result.kind != DeliveryResult::Kind::delivered) return result;
        }
        return DeliveryResult::ok();
    }
};

}  // namespace forwarder

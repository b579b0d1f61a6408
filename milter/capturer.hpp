// The seam between the milter's per-message logic and the bounce pipeline (parse -> events -> outbox).
// The session decides *what to answer the MTA*; a Capturer decides *what the message is* and makes its
// events durable. Tests substitute a fake; production uses OutboxCapturer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace milter {

struct MessageInfo {
    std::string queue_id;                       // may be empty (some MTAs, early stages)
    std::string sender;                         // normalized envelope sender ("" for a null sender)
    std::vector<std::string> bounce_recipients; // normalized envelope recipients that matched the scope
};

// One event as the milter logs it and reports it in X-Bounce-* headers.
struct CapturedEvent {
    std::string recipient;  // the bounced address (or the subscriber UUID when the address is unknown)
    std::string type;       // hard | soft | complaint
    std::string reason;
    std::string receiver;   // receiver family (dsn/receivers.hpp), "other" when unknown
};

struct CaptureOutcome {
    enum class Status {
        not_bounce,            // a human reply, an auto-reply, anything that is no failure report
        bounce_without_events, // looks like a report but nothing could be extracted: a human should see it
        filtered,              // a report whose events the policy does not forward (e.g. delay warnings)
        recorded,              // events are durable in the outbox (new or already known)
        failed,                // the outbox could not take the events
        held,                  // kept in the outbox but not forwarded: unattributed or suspect (attribution.hpp)
    };
    Status status = Status::not_bounce;
    std::vector<CapturedEvent> events;  // for filtered and recorded
    std::size_t duplicates = 0;         // events the outbox already knew (a re-delivered bounce)
    // Held events (also next to recorded ones): what they are, why, and how many recipients the
    // report named (a suspect report: more than were read).
    std::vector<CapturedEvent> held;
    std::string held_reason;            // "unattributed" | "suspect"
    std::string held_why;
    std::size_t held_recipients = 0;
    std::string error;                  // for failed
};

class Capturer {
public:
    virtual ~Capturer() = default;
    // Must not throw for bad input; may throw only for internal failures, which the caller treats like
    // Status::failed. Must not wait on the network: it runs inside the MTA's end-of-message timeout.
    virtual CaptureOutcome capture(std::string_view message, const MessageInfo& info) = 0;
};

const char* to_string(CaptureOutcome::Status status) noexcept;

}  // namespace milter

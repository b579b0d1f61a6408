// A provider handler's verdict on one request: the HTTP answer plus the normalized events to store.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "forwarder/event.hpp"

namespace webhooks {

struct Outcome {
    int status = 200;
    // Short human-readable explanation returned as {"message": ...} and logged. Never contains secrets.
    std::string message;
    std::vector<forwarder::Event> events;
    // Replaces the {"message"} answer (Azure's validation handshake echoes a code).
    std::optional<nlohmann::json> response_body;
    // Runs only after the events are durable (e.g. remembering a Mailgun token as used), so a request
    // that failed with 503 can be retried by the provider.
    std::function<void()> on_committed;
    // Logged even though it succeeded (subscription changes an operator should see).
    bool notable = false;

    static Outcome accepted(std::vector<forwarder::Event> events, std::string message = "accepted");
    static Outcome ignored(std::string message);
    static Outcome bad_request(std::string message);
    // A batch provider's verdict: the events it normalized, else 400 when every relevant item named an
    // address listmonk would refuse (the provider should see the error, not a silent drop), else
    // "ignored: <nothing_relevant>".
    static Outcome of_batch(std::vector<forwarder::Event> events, std::size_t refused, std::string nothing_relevant);
    static Outcome unauthorized(std::string message);  // 401: credentials missing or wrong
    static Outcome forbidden(std::string message);     // 403: signature/MAC/allowlist failure
    static Outcome unavailable(std::string message);   // 503: our side cannot take it now; provider retries

    bool auth_failed() const { return status == 401 || status == 403; }
};

}  // namespace webhooks

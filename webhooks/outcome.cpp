#include "webhooks/outcome.hpp"

namespace webhooks {

namespace {
Outcome with(int status, std::string message) {
    Outcome o;
    o.status = status;
    o.message = std::move(message);
    return o;
}
}  // namespace

Outcome Outcome::accepted(std::vector<forwarder::Event> events, std::string message) {
    Outcome o = with(200, std::move(message));
    o.events = std::move(events);
    return o;
}
Outcome Outcome::ignored(std::string message) { return with(200, "ignored: " + message); }
Outcome Outcome::bad_request(std::string message) { return with(400, std::move(message)); }
Outcome Outcome::of_batch(std::vector<forwarder::Event> events, std::size_t refused, std::string nothing_relevant) {
    if (!events.empty()) return accepted(std::move(events));
    if (refused > 0) return bad_request("no event with an address listmonk accepts");
    return ignored(std::move(nothing_relevant));
}
Outcome Outcome::unauthorized(std::string message) { return with(401, std::move(message)); }
Outcome Outcome::forbidden(std::string message) { return with(403, std::move(message)); }
Outcome Outcome::unavailable(std::string message) { return with(503, std::move(message)); }

}  // namespace webhooks

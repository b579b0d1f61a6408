#include "webhooks/metrics.hpp"

namespace webhooks {

void Metrics::count_request(const std::string& provider, int status) {
    std::lock_guard lock(mutex_);
    ++requests_[{provider, status}];
}

void Metrics::count_verification_failure(const std::string& provider) {
    std::lock_guard lock(mutex_);
    ++verification_failures_[provider];
}

void Metrics::count_events(const std::string& provider, std::size_t accepted, std::size_t duplicates) {
    std::lock_guard lock(mutex_);
    accepted_[provider] += accepted;
    duplicates_[provider] += duplicates;
}

std::string Metrics::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    out += "# HELP bounce_hooks_requests_total Webhook requests by provider and HTTP status.\n";
    out += "# TYPE bounce_hooks_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        out += "bounce_hooks_requests_total{provider=\"" + key.first + "\",status=\"" + std::to_string(key.second) +
               "\"} " + std::to_string(n) + "\n";
    }
    auto family = [&out](const char* name, const char* help, const std::map<std::string, std::uint64_t>& values) {
        out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n";
        for (const auto& [provider, n] : values)
            out += std::string(name) + "{provider=\"" + provider + "\"} " + std::to_string(n) + "\n";
    };
    family("bounce_hooks_verification_failures_total", "Requests refused for failed authentication.",
           verification_failures_);
    family("bounce_hooks_events_accepted_total", "Normalized events newly written to the outbox.", accepted_);
    family("bounce_hooks_events_duplicate_total", "Events the outbox already had (provider retries, replays).",
           duplicates_);
    return out;
}

}  // namespace webhooks

#include "webhooks/metrics.hpp"

#include "dsn/receivers.hpp"

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

namespace {

std::string meta_text(const forwarder::Event& e, const char* key) {
    const auto it = e.meta.find(key);
    return it != e.meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Only the parser's fixed families reach the label, so a provider payload cannot grow the series.
std::string receiver_label(const std::string& receiver) {
    for (std::string_view family : dsn::receivers::families())
        if (family == receiver) return receiver;
    return "other";
}

}  // namespace

void Metrics::count_bounces(const std::string& provider, const std::vector<forwarder::Event>& events) {
    std::lock_guard lock(mutex_);
    for (const forwarder::Event& e : events) ++bounces_[{provider, e.type, receiver_label(meta_text(e, "receiver"))}];
}

std::string Metrics::render() const {
    std::string out;
    {
        std::lock_guard lock(mutex_);
        metrics::FamilySnapshot requests{"bounce_hooks_requests_total", "Webhook requests by provider and HTTP status.",
                                         metrics::Type::counter, {"provider", "status"}, {}, {}};
        for (const auto& [key, n] : requests_)
            requests.samples.push_back({{key.first, std::to_string(key.second)}, static_cast<double>(n)});
        metrics::append_family(out, requests);
        auto family = [&out](const char* name, const char* help, const std::map<std::string, std::uint64_t>& values) {
            metrics::FamilySnapshot f{name, help, metrics::Type::counter, {"provider"}, {}, {}};
            for (const auto& [provider, n] : values) f.samples.push_back({{provider}, static_cast<double>(n)});
            metrics::append_family(out, f);
        };
        family("bounce_hooks_verification_failures_total", "Requests refused for failed authentication.",
               verification_failures_);
        family("bounce_hooks_events_accepted_total", "Normalized events newly written to the outbox.", accepted_);
        metrics::FamilySnapshot bounces{"bounce_hooks_bounces_total",
                                        "Bounce events written to the outbox, by provider, type and receiver family.",
                                        metrics::Type::counter, {"provider", "type", "receiver"}, {}, {}};
        for (const auto& [key, n] : bounces_) bounces.samples.push_back({{key[0], key[1], key[2]}, static_cast<double>(n)});
        metrics::append_family(out, bounces);
        family("bounce_hooks_events_duplicate_total", "Events the outbox already had (provider retries, replays).",
               duplicates_);
    }
    if (extra_) out += extra_->render();
    return out;
}

}  // namespace webhooks

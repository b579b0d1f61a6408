// Counters exposed on GET /metrics in the Prometheus text format.
#pragma once

#include "forwarder/event.hpp"
#include "metrics/registry.hpp"

#include <array>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace webhooks {

class Metrics {
public:
    void count_request(const std::string& provider, int status);
    void count_verification_failure(const std::string& provider);
    void count_events(const std::string& provider, std::size_t accepted, std::size_t duplicates);
    // One per event written (duplicates included, as bounce_milter_bounces_total), by provider, type
    // and receiver family. No reason label: providers' reason strings are their own free vocabulary
    // (Mailgun's and Mandrill's are sentences), which would make the series unbounded.
    void count_bounces(const std::string& provider, const std::vector<forwarder::Event>& events);

    // Families kept elsewhere (the outbox's figures) appended to every render; set before serving.
    void append_registry(const metrics::Registry* registry) { extra_ = registry; }

    std::string render() const;

private:
    mutable std::mutex mutex_;
    std::map<std::pair<std::string, int>, std::uint64_t> requests_;
    std::map<std::string, std::uint64_t> verification_failures_;
    std::map<std::string, std::uint64_t> accepted_;
    std::map<std::string, std::uint64_t> duplicates_;
    std::map<std::array<std::string, 3>, std::uint64_t> bounces_;  // {provider, type, receiver}
    const metrics::Registry* extra_ = nullptr;
};

}  // namespace webhooks

// Shared test scaffolding for provider handlers: a pinned clock, an in-memory URL fetcher that records
// every URL asked for, and request builders.
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "webhooks/provider.hpp"
#include "webhooks/registry.hpp"

namespace test_support {

struct RecordingFetcher final : webhooks::UrlFetcher {
    std::map<std::string, webhooks::FetchResult> responses;
    std::vector<std::string> requested;
    std::mutex mutex;

    void serve(const std::string& url, std::string body, long status = 200) {
        webhooks::FetchResult r;
        r.ok = true;
        r.status = status;
        r.body = std::move(body);
        responses[url] = std::move(r);
    }
    webhooks::FetchResult get(const std::string& url, std::size_t max_bytes) override {
        std::lock_guard lock(mutex);
        requested.push_back(url);
        const auto it = responses.find(url);
        if (it == responses.end()) {
            webhooks::FetchResult r;
            r.error = "no such test URL";
            return r;
        }
        if (it->second.body.size() > max_bytes) {
            webhooks::FetchResult r;
            r.error = "too large";
            return r;
        }
        return it->second;
    }
};

inline webhooks::Services services_at(std::int64_t now, std::shared_ptr<webhooks::UrlFetcher> fetcher = nullptr) {
    webhooks::Services s;
    s.clock = [now] { return now; };
    s.fetcher = std::move(fetcher);
    return s;
}

inline std::unique_ptr<webhooks::Provider> make(const std::string& name, conf::ProviderConfig config,
                                                const webhooks::Services& services) {
    config.name = name;
    return webhooks::find_provider(name)->make(config, services);
}

// Owns the body so Request::body (a view) stays valid.
struct OwnedRequest {
    std::string body;
    webhooks::Request request;
    explicit OwnedRequest(std::string b, std::map<std::string, std::string> headers = {}) : body(std::move(b)) {
        for (auto& [k, v] : headers) request.headers.emplace(k, v);
        request.body = body;
    }
    OwnedRequest(const OwnedRequest&) = delete;
};

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::string fixture(const std::string& name) { return read_file(std::string(WEBHOOKS_FIXTURES_DIR) + "/" + name); }

inline const char* campaign = "d6da0074-1084-4aa1-9c62-65fde375d33c";

}  // namespace test_support

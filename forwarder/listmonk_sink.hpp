// Delivers to listmonk's POST {url}/webhooks/bounce with libcurl, one reused handle per worker.
#pragma once

#include "forwarder/sink.hpp"

#include <chrono>
#include <string>

namespace forwarder {

struct ListmonkSinkOptions {
    std::string url;       // base URL; "/webhooks/bounce" is appended
    std::string username;
    std::string token;
    bool basic_auth = false;                     // listmonk < 4 or by choice
    std::string source_override;                 // replaces the event's source when set
    std::chrono::milliseconds timeout{10000};    // whole request
    std::chrono::milliseconds connect_timeout{5000};
};

// How listmonk's answer maps to a delivery outcome (listmonk.md §1.4 client policy):
// 2xx done; 400 permanent (listmonk's message kept); 401/403/404/503 and other unexpected statuses
// are configuration problems, retried slowly and never dropped; 408/429/5xx retried.
DeliveryResult classify_listmonk_response(long http_status, const std::string& response_body);

class ListmonkSink final : public Sink {
public:
    explicit ListmonkSink(ListmonkSinkOptions options);
    ~ListmonkSink() override;
    const std::string& name() const override { return name_; }
    DeliveryResult deliver(const Event& event) noexcept override;
    // Checks url, credentials and permission without recording a bounce (see the definition).
    DeliveryResult probe() noexcept;

private:
    // One POST of `body`; ok when an HTTP answer came back (whatever its status), else why not.
    DeliveryResult post(const std::string& body, long& status, std::string& response);

    std::string name_ = "listmonk";
    ListmonkSinkOptions options_;
    std::string endpoint_;
    void* curl_ = nullptr;       // CURL*, kept for connection reuse
    void* headers_ = nullptr;    // curl_slist*
};

}  // namespace forwarder

// Fuzz target: whole HTTP requests, as bytes on the wire, through bounce-hooks' server: the
// connection gate's head budget and framing checks, httplib's parsing and routing, every provider
// (configured with the harness's known secrets), and the answer written back. The input is the raw
// request; a request that never completes is answered as the gate would after its deadline (408).
//
// Invariants: every input gets one well-formed answer; no 5xx but 503; the answer carries none of the
// server's secrets that the request did not (exact: answers quote nothing of the request); every
// {"message"} in an answer is one of the server's fixed texts, never request bytes.
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/webhook_signer.hpp"
#include "webhooks/registry.hpp"
#include "webhooks/server.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <regex>
#include <set>
#include <string>
#include <string_view>

namespace {

using fuzz_support::WebhookSigner;

struct CountingWriter final : webhooks::EventWriter {
    forwarder::EnqueueResult write(const std::vector<forwarder::Event>& events) override {
        forwarder::EnqueueResult r;
        r.inserted = events.size();
        return r;
    }
};

struct RefusingFetcher final : webhooks::UrlFetcher {
    webhooks::FetchResult get(const std::string&, std::size_t) override {
        webhooks::FetchResult r;
        r.error = "no network in the fuzz harness";
        return r;
    }
};

webhooks::HooksServer& server() {
    static CountingWriter writer;
    static webhooks::HooksServer* instance = [] {
        conf::HooksConfig config;
        config.listen = "127.0.0.1:0";
        // Small budgets, so that inputs of a few KiB reach every limit.
        config.max_header_bytes = 2048;
        config.max_headers = 24;
        config.max_body_bytes = 8192;
        for (const auto& entry : webhooks::provider_table())
            config.providers[std::string(entry.name)] = WebhookSigner::get().config_for(entry.name);
        webhooks::Services services;
        services.clock = [] { return fuzz_support::kNow; };
        services.fetcher = std::make_shared<RefusingFetcher>();
        return new webhooks::HooksServer(config, webhooks::make_providers(config, services), writer);
    }();
    return *instance;
}

// Every text the server itself may put in {"message": ...}.
const std::set<std::string>& fixed_messages() {
    static const std::set<std::string> texts = {
        "ignored", "malformed request", "authentication required", "verification failed",
        "temporarily unavailable; retry later", "request refused", "unknown or disabled provider", "use POST",
        "multipart bodies are not accepted", "request body too large", "request body could not be read",
        "not found", "request head too large", "too many header lines", "malformed Content-Length",
        "conflicting Content-Length headers", "unsupported Transfer-Encoding",
        "both Content-Length and Transfer-Encoding", "request not received in time", "too many connections",
    };
    return texts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string answer = server().answer_raw(input);

    // An Expect: 100-continue request gets the interim answer first.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    std::string_view final_answer = answer;
    while (final_answer.starts_with(kContinue)) final_answer.remove_prefix(kContinue.size());

    FUZZ_CHECK(final_answer.starts_with("HTTP/1.1 ") && final_answer.size() >= 12, "no well-formed status line");
    const int status = std::stoi(std::string(final_answer.substr(9, 3)));
    FUZZ_CHECK(status == 200 || (status >= 400 && status < 500) || status == 503, "5xx other than 503, or odd status");
    FUZZ_CHECK(!WebhookSigner::get().leaks_secret(answer, input), "a secret leaked into the answer");

    const auto head_end = final_answer.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string_view::npos, "answer without the end of its head");
    const std::string_view head = final_answer.substr(0, head_end);
    const std::string_view body = final_answer.substr(head_end + 4);
    if (head.find("Content-Type: application/json") == std::string_view::npos || body.empty()) return 0;
    const auto json = nlohmann::json::parse(body, nullptr, false);
    FUZZ_CHECK(!json.is_discarded() && json.is_object(), "JSON answer that is not an object");
    if (json.contains("validationResponse")) return 0;  // Azure's handshake, defined by the protocol
    FUZZ_CHECK(json.contains("message") && json["message"].is_string(), "JSON answer without a message");
    const std::string message = json["message"];
    static const std::regex accepted(R"(accepted [0-9]+ event\(s\)(, [0-9]+ duplicate\(s\))?)");
    FUZZ_CHECK(fixed_messages().count(message) == 1 || std::regex_match(message, accepted),
               "answer message is not one of the server's fixed texts (does it quote the request?)");
    return 0;
}

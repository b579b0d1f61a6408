// Fuzz target: every bounce-hooks provider handler (signature/credential check, then payload
// normalization), driven through the same plain Request struct the HTTP server fills in.
//
// Input layout:
//   byte 0   provider, index into provider_table() (modulo its size)
//   byte 1   flags: bit 0 = the harness signs the request like the provider would (reaches the
//            normalizers, and the fetcher serves the harness's SNS certificate); bits 1-2 = what the URL
//            fetcher does otherwise (0 refuse, 1 serve the certificate and 404 elsewhere, 2 and 3 serve
//            the fetch part below with HTTP 200 / 404); bit 3 = run the
//            outcome's on_committed hook, then hand the same request in again (replay protection)
//   then     header lines "Name: value" up to the first empty line; a line "?name=value" is a query
//            parameter instead. Without an empty line everything is body.
//   then     the body; if it contains "\n--fetch--\n", what follows is the fetcher's response body.
// The fetcher never touches the network, and it checks that the provider validated every URL first.
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/webhook_signer.hpp"
#include "webhooks/provider.hpp"
#include "webhooks/registry.hpp"
#include "webhooks/url.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace {

using fuzz_support::WebhookSigner;

enum class FetchMode { refuse = 0, certificate = 1, fuzz_ok = 2, fuzz_not_found = 3 };

class FakeFetcher final : public webhooks::UrlFetcher {
public:
    FakeFetcher(FetchMode mode, bool serve_certificate, std::string_view fuzz_body)
        : mode_(mode), serve_certificate_(serve_certificate), fuzz_body_(fuzz_body) {}

    webhooks::FetchResult get(const std::string& url, std::size_t max_bytes) override {
        // SSRF guard: only URLs that passed SNS validation may ever be requested.
        FUZZ_CHECK(webhooks::is_valid_sns_cert_url(url) || webhooks::is_valid_sns_subscribe_url(url),
                   "provider asked to fetch a URL that fails validation");
        webhooks::FetchResult r;
        std::string_view body;
        if (serve_certificate_ && url == fuzz_support::kSesCertUrl) {
            r.ok = true;
            r.status = 200;
            r.body = WebhookSigner::get().sns_certificate_pem();
            return r;
        }
        switch (mode_) {
            case FetchMode::refuse:
                r.error = "fetching disabled in the fuzz harness";
                return r;
            case FetchMode::certificate:
                r.ok = true;
                r.status = 404;
                return r;
            case FetchMode::fuzz_ok:
            case FetchMode::fuzz_not_found:
                body = fuzz_body_;
                break;
        }
        if (body.size() > max_bytes) {  // what the curl fetcher does with an oversized answer
            r.error = "response larger than the cap";
            return r;
        }
        r.ok = true;
        r.status = mode_ == FetchMode::fuzz_not_found ? 404 : 200;
        r.body = std::string(body);
        return r;
    }

private:
    FetchMode mode_;
    bool serve_certificate_;
    std::string_view fuzz_body_;
};

// Splits header and query lines from the rest; returns the remainder (body plus optional fetch part).
std::string_view read_head(std::string_view input, webhooks::Request& request) {
    const auto end = input.find("\n\n");
    if (end == std::string_view::npos) return input;
    std::string_view head = input.substr(0, end);
    while (!head.empty()) {
        const auto nl = head.find('\n');
        std::string_view line = head.substr(0, nl);
        head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.starts_with("?")) {
            line.remove_prefix(1);
            const auto eq = line.find('=');
            request.query.emplace(std::string(line.substr(0, eq)),
                                  eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1)));
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        request.headers.emplace(std::string(line.substr(0, colon)), std::string(value));
    }
    return input.substr(end + 2);
}

// `input` is the request as the fuzzer wrote it, before the harness signed it: a secret that appears in
// the message but not there came from our side (the signer's credentials included).
void check_outcome(const webhooks::Outcome& o, std::string_view provider, std::string_view input) {
    FUZZ_CHECK(o.status == 200 || o.status == 400 || o.status == 401 || o.status == 403 || o.status == 503,
               "unexpected HTTP status");
    FUZZ_CHECK(!o.message.empty(), "answer without an explanation");
    // The message is logged, never answered (HooksServer answers fixed texts): no secret of ours in it.
    FUZZ_CHECK(!WebhookSigner::get().leaks_secret(o.message, input), "a secret leaked into the log message");
    if (o.status != 200) {
        FUZZ_CHECK(o.events.empty(), "events recorded from a refused request");
        FUZZ_CHECK(!o.on_committed, "commit hook on a refused request");
    }
    if (o.response_body) FUZZ_CHECK(provider == "azure", "custom answer body from a provider without a handshake");
    for (const auto& e : o.events) {
        FUZZ_CHECK(e.source == provider, "event from the wrong source");
        FUZZ_CHECK(e.type == "hard" || e.type == "soft" || e.type == "complaint", "event type outside the vocabulary");
        FUZZ_CHECK(e.idempotency_key.starts_with(std::string(provider) + ":"),
                   "idempotency key not scoped by its provider");
        FUZZ_CHECK(!e.email.empty() || !e.subscriber_uuid.empty(), "event with nobody to mark");
        FUZZ_CHECK(e.email.find_first_of(" \t\r\n<>") == std::string::npos, "recipient is not a bare address");
        FUZZ_CHECK(e.created_at.size() == 20 && e.created_at.back() == 'Z', "created_at not RFC 3339 UTC");
        FUZZ_CHECK(e.meta.is_object(), "meta is not an object");
        // The event is stored as JSON in the outbox; serializing it must never throw.
        try {
            (void)e.meta.dump();
        } catch (...) {
            FUZZ_CHECK(false, "event meta cannot be serialized");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const auto table = webhooks::provider_table();
    const webhooks::ProviderEntry& entry = table[data[0] % table.size()];
    const std::uint8_t flags = data[1];
    const bool authentic = (flags & 1) != 0;
    const auto fetch_mode = static_cast<FetchMode>((flags >> 1) & 3);
    const bool commit_and_replay = (flags & 8) != 0;

    webhooks::Request request;
    std::string_view rest = read_head(std::string_view(reinterpret_cast<const char*>(data + 2), size - 2), request);
    std::string_view fetch_body;
    if (const auto marker = rest.find("\n--fetch--\n"); marker != std::string_view::npos) {
        fetch_body = rest.substr(marker + 11);
        rest = rest.substr(0, marker);
    }
    std::string body(rest);
    request.body = body;

    const WebhookSigner& signer = WebhookSigner::get();
    if (authentic) signer.sign(entry.name, request, body);

    webhooks::Services services;
    services.clock = [] { return fuzz_support::kNow; };
    services.fetcher = std::make_shared<FakeFetcher>(fetch_mode, authentic || fetch_mode == FetchMode::certificate, fetch_body);
    std::unique_ptr<webhooks::Provider> provider;
    try {
        provider = entry.make(signer.config_for(entry.name), services);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", std::string(entry.name).c_str(), e.what());
        FUZZ_CHECK(false, "the harness's provider configuration is refused");
    }

    webhooks::Outcome outcome;
    try {
        outcome = provider->handle(request);
    } catch (...) {
        FUZZ_CHECK(false, "provider handler threw (the server would answer 400, but handlers must not throw)");
    }
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check_outcome(outcome, entry.name, input);
    // FUZZ_VERBOSE=1 shows each input's answer: how to check that the seeds reach the normalizers.
    static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
    if (verbose)
        std::fprintf(stderr, "%s%s: %d %s (%zu events)\n", std::string(entry.name).c_str(), authentic ? " signed" : "",
                     outcome.status, outcome.message.c_str(), outcome.events.size());
    if (commit_and_replay && outcome.on_committed) {
        outcome.on_committed();
        webhooks::Outcome again;
        try {
            again = provider->handle(request);
        } catch (...) {
            FUZZ_CHECK(false, "provider handler threw on a replay");
        }
        check_outcome(again, entry.name, input);
        // Only Mailgun keeps single-use tokens; a replay of a committed Mailgun request must be refused.
        if (entry.name == "mailgun") FUZZ_CHECK(again.status == 403, "committed Mailgun token accepted twice");
    }
    return 0;
}

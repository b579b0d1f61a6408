#include "forwarder/listmonk_sink.hpp"

#include <curl/curl.h>

#include <mutex>

namespace forwarder {
namespace {

constexpr std::size_t kMaxResponseBytes = 64 * 1024;

void global_init_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t collect(char* data, size_t size, size_t count, void* user) {
    auto* out = static_cast<std::string*>(user);
    const size_t n = size * count;
    if (out->size() < kMaxResponseBytes) out->append(data, std::min(n, kMaxResponseBytes - out->size()));
    return n;
}

constexpr std::size_t kMaxMessageBytes = 200;

// listmonk's {"message": ...}, or the start of whatever else answered (a proxy's error page). It goes
// into one log line and the outbox, so it is cut short and control characters (CR/LF could forge
// further log lines) become spaces.
std::string listmonk_message(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    std::string message = body;
    if (j.is_object() && j.contains("message") && j["message"].is_string()) message = j["message"].get<std::string>();
    if (message.size() > kMaxMessageBytes) message.resize(kMaxMessageBytes);
    for (char& c : message) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    return message;
}

// A misconfigured proxy may echo the request's Authorization header in its error page; the reason
// built from that page is logged, so the credentials are cut out of it.
void hide(std::string& text, const std::string& secret) {
    if (secret.empty()) return;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
        text.replace(pos, secret.size(), "***");
    }
}

std::string base64(const std::string& in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                           static_cast<unsigned char>(in[i + 2]);
        out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
    }
    if (i + 1 == in.size()) {
        const unsigned v = static_cast<unsigned char>(in[i]) << 16;
        out += {table[v >> 18], table[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == in.size()) {
        const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
    }
    return out;
}

}  // namespace

DeliveryResult classify_listmonk_response(long status, const std::string& body) {
    const std::string prefix = "listmonk HTTP " + std::to_string(status);
    if (status >= 200 && status < 300) return DeliveryResult::ok();
    if (status == 400) return DeliveryResult::permanent(prefix + ": " + listmonk_message(body));
    if (status == 401 || status == 403) {
        return DeliveryResult::retry(prefix + ": credentials or permission webhooks:post_bounce missing (" +
                                         listmonk_message(body) + ")",
                                     true);
    }
    if (status == 404) {
        return DeliveryResult::retry(prefix + ": bounce webhooks disabled in listmonk settings, or wrong url", true);
    }
    if (status == 503) {
        return DeliveryResult::retry(prefix + ": bounce processing disabled in listmonk (bounce.enabled)", true);
    }
    if (status == 408 || status == 429 || status >= 500) {
        return DeliveryResult::retry(prefix + ": " + listmonk_message(body));
    }
    // Redirects and unexpected 4xx mean the URL or a proxy is wrong; holding the event loses nothing.
    return DeliveryResult::retry(prefix + ": unexpected answer (check url): " + listmonk_message(body), true);
}

ListmonkSink::ListmonkSink(ListmonkSinkOptions options) : options_(std::move(options)) {
    global_init_once();
    std::string base = options_.url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    endpoint_ = base + "/webhooks/bounce";
    const std::string credentials = options_.username + ":" + options_.token;
    const std::string auth = options_.basic_auth ? "Authorization: Basic " + base64(credentials)
                                                 : "Authorization: token " + credentials;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    headers = curl_slist_append(headers, auth.c_str());
    headers_ = headers;
}

ListmonkSink::~ListmonkSink() {
    if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
    curl_slist_free_all(static_cast<curl_slist*>(headers_));
}

DeliveryResult ListmonkSink::deliver(const Event& event) noexcept {
    try {
        Event outgoing = event;
        if (!options_.source_override.empty()) outgoing.source = options_.source_override;
        long status = 0;
        std::string response;
        if (DeliveryResult failed = post(dump_json(listmonk_body(outgoing)), status, response);
            failed.kind != DeliveryResult::Kind::delivered)
            return failed;
        return classify_listmonk_response(status, response);
    } catch (const std::exception& e) {
        return DeliveryResult::retry(std::string("listmonk sink: ") + e.what());
    }
}

// An empty object passes listmonk's authentication, permission and "bounces enabled" checks and is then
// refused by its validation (400 "Invalid fields: email / subscriber_uuid") before anything is queued:
// proof that a real bounce would be accepted, without recording one.
DeliveryResult ListmonkSink::probe() noexcept {
    try {
        long status = 0;
        std::string response;
        if (DeliveryResult failed = post("{}", status, response); failed.kind != DeliveryResult::Kind::delivered)
            return failed;
        if (status == 400 && response.find("email / subscriber_uuid") != std::string::npos) return DeliveryResult::ok();
        if (status >= 200 && status < 300)
            return DeliveryResult::retry("listmonk HTTP " + std::to_string(status) +
                                             " to an empty bounce: this is not listmonk's bounce webhook (check url)",
                                         true);
        DeliveryResult result = classify_listmonk_response(status, response);
        if (result.kind == DeliveryResult::Kind::permanent)  // a 400 of another kind: not listmonk's validation
            return DeliveryResult::retry(result.reason + " (check url)", true);
        return result;
    } catch (const std::exception& e) {
        return DeliveryResult::retry(std::string("listmonk sink: ") + e.what());
    }
}

DeliveryResult ListmonkSink::post(const std::string& body, long& status, std::string& response) {
    if (!curl_) {
        curl_ = curl_easy_init();
        if (!curl_) return DeliveryResult::retry("libcurl: cannot create a handle");
    }
    CURL* curl = static_cast<CURL*>(curl_);
    response.clear();
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, endpoint_.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(headers_));
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based DNS timeouts
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would turn the POST into a GET
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "bounce-milter");
    // No cookie engine is ever enabled: a Cookie with session= would make listmonk ignore our token.
    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        return DeliveryResult::retry(std::string("listmonk unreachable: ") + (error[0] ? error : curl_easy_strerror(rc)));
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    hide(response, options_.token);  // before the reason is cut from it: no token fragment survives
    hide(response, base64(options_.username + ":" + options_.token));
    return DeliveryResult::ok();
}

}  // namespace forwarder

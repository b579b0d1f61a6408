#include "webhooks/server.hpp"

#include "metrics/exporter.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include "webhooks/gated_http_server.hpp"
#include "webhooks/registry.hpp"

namespace webhooks {

namespace {

std::string message_body(const std::string& message) { return nlohmann::json{{"message", message}}.dump(); }

// What the client is told: a fixed text per kind of answer. The provider's own explanation goes to the
// log only, because it may quote the request (an event type, a record type, a parse error), and an
// answer that reflects attacker-chosen text is a small gift to attackers (a reflected secret, a probe
// of what the parser saw). Azure's validation handshake, whose answer the protocol defines, is the one
// exception (Outcome::response_body).
std::string answer_text(const Outcome& outcome) {
    switch (outcome.status) {
        case 200: return outcome.events.empty() ? "ignored" : outcome.message;  // the server's own count
        case 400: return "malformed request";
        case 401: return "authentication required";
        case 403: return "verification failed";
        case 503: return "temporarily unavailable; retry later";
        default: return "request refused";
    }
}

// `body` is the bytes read for a POST (httplib leaves req.body empty when a content reader is used).
Request to_request(const httplib::Request& req, std::string_view body) {
    Request out;
    out.method = req.method;
    for (const auto& [name, value] : req.headers) out.headers.emplace(name, value);
    for (const auto& [name, value] : req.params) out.query.emplace(name, value);
    out.body = body;
    out.remote_addr = req.remote_addr;
    return out;
}

}  // namespace

std::map<std::string, std::unique_ptr<Provider>> make_providers(const conf::HooksConfig& config,
                                                                const Services& services) {
    std::map<std::string, std::unique_ptr<Provider>> out;
    std::string errors;  // every section's problem, one per line, so --check-config shows them all
    for (const auto& [name, provider_config] : config.providers) {
        const ProviderEntry* entry = find_provider(name);
        if (entry == nullptr) {
            errors += (errors.empty() ? "" : "\n") + std::string("[hooks.") + name + "] is not a supported provider";
            continue;
        }
        try {
            out.emplace(name, entry->make(provider_config, services));
        } catch (const ProviderConfigError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
        }
    }
    if (!errors.empty()) throw ProviderConfigError(errors);
    return out;
}

bool split_listen(const std::string& listen, std::string& host, int& port) {
    return metrics::split_host_port(listen, host, port);
}

HooksServer::HooksServer(const conf::HooksConfig& config, std::map<std::string, std::unique_ptr<Provider>> providers,
                         EventWriter& writer, RequestLogger logger)
    : config_(config), providers_(std::move(providers)), writer_(writer), logger_(std::move(logger)) {
    const std::size_t threads = config_.threads > 0 ? static_cast<std::size_t>(config_.threads) : 1;
    GateOptions gate;
    gate.head = {.max_header_bytes = config_.max_header_bytes,
                 .max_headers = config_.max_headers,
                 .max_body_bytes = config_.max_body_bytes};
    gate.request_timeout = config_.request_timeout;
    gate.keep_alive_timeout = std::chrono::seconds(5);
    gate.max_connections = config_.max_connections;
    gate.requests_per_connection = 100;
    http_ = std::make_unique<GatedHttpServer>(gate, threads, config_.read_timeout);
    http_->set_payload_max_length(config_.max_body_bytes);
    http_->set_read_timeout(config_.read_timeout);
    http_->set_write_timeout(config_.read_timeout);
    // httplib writes headers and body separately; with Nagle on, keep-alive clients wait ~40 ms for
    // the delayed ACK on every response.
    http_->set_tcp_nodelay(true);
    // httplib's default also sets SO_REUSEPORT, which would let a second instance (or any process of the
    // same user) bind the same port and silently receive part of the webhooks.
    http_->set_socket_options([](int sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    install_routes();
}

HooksServer::~HooksServer() { stop(); }

bool HooksServer::bind(std::string& error) {
    std::string host;
    int port = 0;
    if (!split_listen(config_.listen, host, port)) {
        error = "listen must be host:port, got \"" + config_.listen + "\"";
        return false;
    }
    if (port == 0) {
        port_ = http_->bind_to_any_port(host);
        if (port_ <= 0) {
            error = "cannot bind " + config_.listen;
            return false;
        }
    } else {
        if (!http_->bind_to_port(host, port)) {
            error = "cannot bind " + config_.listen;
            return false;
        }
        port_ = port;
    }
    return true;
}

void HooksServer::run() {
    http_->start_gate();
    http_->listen_after_bind();
}

void HooksServer::stop() {
    if (!http_) return;
    http_->stop();
    http_->stop_gate();
}

std::string HooksServer::answer_raw(std::string_view raw) { return http_->answer_buffered(raw); }

std::size_t HooksServer::open_connections() const { return http_->gate().open_connections(); }

std::pair<int, std::string> HooksServer::process(const std::string& name, const Request& request) {
    const auto it = providers_.find(name);
    if (it == providers_.end()) return {404, message_body("unknown or disabled provider")};
    Provider& provider = *it->second;
    Outcome outcome;
    // The wall: nothing a request carries may turn into a 500 or a crash.
    try {
        if (request.method == "HEAD") {
            outcome = provider.answers_head() ? Outcome::ignored("HEAD") : Outcome::bad_request("HEAD not supported");
        } else {
            outcome = provider.handle(request);
        }
    } catch (const std::bad_alloc&) {
        outcome = Outcome::unavailable("out of memory");
    } catch (const std::exception& e) {
        outcome = Outcome::bad_request(std::string("malformed payload: ") + e.what());
    } catch (...) {
        outcome = Outcome::bad_request("malformed payload");
    }
    if (outcome.status == 200 && !outcome.events.empty()) {
        try {
            const forwarder::EnqueueResult stored = writer_.write(outcome.events);
            metrics_.count_events(name, stored.inserted, stored.duplicates);
            metrics_.count_bounces(name, outcome.events);
            if (outcome.on_committed) outcome.on_committed();
            // One line per accepted event, as the milter logs each captured bounce.
            if (logger_) {
                for (const auto& e : outcome.events) {
                    const auto reason = e.meta.find("reason");
                    logger_(false, name + ": bounce recipient=" + (e.email.empty() ? e.subscriber_uuid : e.email) +
                                       " type=" + e.type +
                                       (reason != e.meta.end() && reason->is_string() ? " reason=" + reason->get<std::string>() : ""));
                }
            }
            outcome.message = "accepted " + std::to_string(stored.inserted) + " event(s)" +
                              (stored.duplicates ? ", " + std::to_string(stored.duplicates) + " duplicate(s)" : "");
        } catch (const std::exception& e) {
            outcome = Outcome::unavailable("outbox cannot take the events now");
            if (logger_) logger_(true, name + ": outbox write failed: " + e.what());
        }
    }
    metrics_.count_request(name, outcome.status);
    if (outcome.auth_failed()) metrics_.count_verification_failure(name);
    if (logger_ && (outcome.status != 200 || outcome.notable)) {
        logger_(outcome.status >= 500, name + ": " + std::to_string(outcome.status) + " " + outcome.message +
                                           (request.remote_addr.empty() ? "" : " (from " + request.remote_addr + ")"));
    }
    std::string body = outcome.response_body ? outcome.response_body->dump() : message_body(answer_text(outcome));
    return {outcome.status, std::move(body)};
}

void HooksServer::install_routes() {
    auto handle = [this](const httplib::Request& req, std::string_view request_body, httplib::Response& res) {
        const std::string name = req.matches.size() > 1 ? req.matches[1].str() : std::string();
        auto [status, body] = process(name, to_request(req, request_body));
        res.status = status;
        if (status == 401) res.set_header("WWW-Authenticate", "Basic realm=\"bounce-hooks\"");
        if (req.method != "HEAD") res.set_content(body, "application/json");
    };
    // The body is read here, not by httplib: httplib 0.11 enforces payload_max_length only for
    // Content-Length bodies, so a chunked body would otherwise grow without limit.
    http_->Post(R"(/webhooks/service/([a-z]+))",
                [this, handle](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
                    if (req.is_multipart_form_data()) {
                        res.status = 415;
                        res.set_header("Connection", "close");
                        res.set_content(message_body("multipart bodies are not accepted"), "application/json");
                        return;
                    }
                    std::string body;
                    bool too_large = false;
                    const bool complete = reader([&](const char* data, std::size_t length) {
                        if (body.size() + length > config_.max_body_bytes) {
                            too_large = true;
                            return false;
                        }
                        body.append(data, length);
                        return true;
                    });
                    if (too_large || res.status == 413) {
                        res.status = 413;
                        res.set_header("Connection", "close");
                        res.set_content(message_body("request body too large"), "application/json");
                        return;
                    }
                    if (!complete) {
                        res.status = 400;
                        res.set_header("Connection", "close");
                        res.set_content(message_body("request body could not be read"), "application/json");
                        return;
                    }
                    // Handed over as a view: copying the whole httplib::Request just to set its body
                    // cost a copy of every header and the body per request.
                    handle(req, body, res);
                });
    // httplib routes HEAD through the GET handlers; only HEAD is meaningful here (Mandrill's check).
    http_->Get(R"(/webhooks/service/([a-z]+))", [handle](const httplib::Request& req, httplib::Response& res) {
        if (req.method == "HEAD") return handle(req, req.body, res);
        res.status = 405;
        res.set_content(message_body("use POST"), "application/json");
    });
    http_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok\n", "text/plain");
    });
    http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics_.render(), metrics::kContentType);
    });
    http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 400;
        res.set_content(message_body("malformed request"), "application/json");
    });
    http_->set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
        // Bodies over the cap never reach a handler; count them under their provider when it is configured.
        static constexpr std::string_view prefix = "/webhooks/service/";
        if (res.status == 413 && req.path.starts_with(prefix)) {
            const std::string name = req.path.substr(prefix.size());
            if (providers_.count(name) != 0) metrics_.count_request(name, 413);
        }
        if (res.body.empty()) {
            const char* text = res.status == 413 ? "request body too large"
                               : res.status == 404 ? "not found"
                                                   : "request refused";
            res.set_content(message_body(text), "application/json");
        }
    });
}

}  // namespace webhooks

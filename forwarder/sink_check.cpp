#include "forwarder/sink_check.hpp"

#include "forwarder/listmonk_sink.hpp"
#include "forwarder/log.hpp"
#include "forwarder/redis_sink.hpp"

#include <unistd.h>

#include <filesystem>

namespace forwarder {
namespace {

ListmonkSinkOptions listmonk_options(const conf::ListmonkConfig& l) {
    ListmonkSinkOptions o;
    o.url = l.url;
    o.username = l.username;
    o.token = l.token;
    o.basic_auth = l.auth == "basic";
    o.timeout = l.timeout;
    o.connect_timeout = std::min(l.connect_timeout, l.timeout);
    return o;
}

}  // namespace

int check_sinks(const conf::Config& config, std::ostream& out) {
    bool all_ok = true;
    auto report = [&](const std::string& what, const DeliveryResult& r, const std::string& ok_text) {
        const bool ok = r.kind == DeliveryResult::Kind::delivered;
        all_ok = all_ok && ok;
        out << what << ": " << (ok ? "OK (" + ok_text + ")" : "FAILED: " + r.reason) << "\n";
    };
    if (config.listmonk) {
        ListmonkSink sink(listmonk_options(*config.listmonk));
        report("listmonk " + log::redact_url(config.listmonk->url) + " as " + config.listmonk->username, sink.probe(),
               "credentials and permission accepted; an empty test bounce was refused by validation, nothing recorded");
    }
    if (config.redis) {
        const auto& r = *config.redis;
        RedisSink sink(RedisSinkOptions{r.url, r.stream, r.maxlen, r.timeout, r.password});
        report("redis " + log::redact_url(r.url) + " stream " + r.stream, sink.probe(), "connected, stream key usable");
    }
    if (config.file) {
        const auto dir = std::filesystem::path(config.file->path).parent_path();
        DeliveryResult r = ::access(dir.c_str(), W_OK | X_OK) == 0
                               ? DeliveryResult::ok()
                               : DeliveryResult::retry("cannot create files in " + dir.string() + " as this user", true);
        report("file " + config.file->path, r, "directory writable");
    }
    return all_ok ? 0 : 1;
}

std::string describe_sinks(const conf::Config& config) {
    std::string out;
    auto add = [&](const std::string& text) { out += (out.empty() ? "" : ", ") + text; };
    if (config.listmonk) add("listmonk " + log::redact_url(config.listmonk->url) + " as " + config.listmonk->username);
    if (config.redis) add("redis " + log::redact_url(config.redis->url) + " stream " + config.redis->stream);
    if (config.file) add("file " + config.file->path);
    return out.empty() ? "none" : out;
}

}  // namespace forwarder

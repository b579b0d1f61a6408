// Builds the sinks and the dispatcher's options from a loaded configuration.
#include "conf/config.hpp"
#include "forwarder/dispatcher.hpp"
#include "forwarder/file_sink.hpp"
#include "forwarder/listmonk_sink.hpp"
#include "forwarder/redis_sink.hpp"

namespace forwarder {

std::vector<std::string> sink_names(const conf::Config& config) {
    std::vector<std::string> names;
    if (config.listmonk) names.push_back("listmonk");
    if (config.redis) names.push_back("redis");
    if (config.file) names.push_back("file");
    return names;
}

std::vector<std::unique_ptr<Sink>> make_sinks(const conf::Config& config) {
    std::vector<std::unique_ptr<Sink>> sinks;
    if (config.listmonk) {
        const auto& l = *config.listmonk;
        ListmonkSinkOptions o;
        o.url = l.url;
        o.username = l.username;
        o.token = l.token;
        o.basic_auth = l.auth == "basic";
        o.source_override = l.source;
        o.timeout = l.timeout;
        o.connect_timeout = std::min(l.connect_timeout, l.timeout);
        sinks.push_back(std::make_unique<ListmonkSink>(std::move(o)));
    }
    if (config.redis) {
        const auto& r = *config.redis;
        sinks.push_back(std::make_unique<RedisSink>(RedisSinkOptions{r.url, r.stream, r.maxlen, r.timeout, r.password}));
    }
    if (config.file) sinks.push_back(std::make_unique<FileSink>(config.file->path, config.file->fsync));
    return sinks;
}

DispatcherOptions dispatcher_options(const conf::Config& config) {
    DispatcherOptions o;
    o.retry.initial = config.outbox.retry_initial;
    o.retry.maximum = config.outbox.retry_max;
    o.retry.config_initial = config.outbox.config_retry_initial;
    o.poll = config.outbox.poll_interval;
    o.probe_interval = std::min(o.probe_interval, config.outbox.retry_max);
    o.retention = std::chrono::hours(24) * config.outbox.retention_days;
    // A claimed event is redone after the lease if this process died mid-delivery: well above the
    // slowest sink's timeout so a live worker never races its own lease.
    std::chrono::milliseconds slowest{30000};
    if (config.listmonk) slowest = std::max(slowest, config.listmonk->timeout);
    if (config.redis) slowest = std::max(slowest, config.redis->timeout);
    o.lease = slowest * 4;
    return o;
}

}  // namespace forwarder

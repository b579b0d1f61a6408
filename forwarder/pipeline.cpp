#include "forwarder/pipeline.hpp"

namespace forwarder {

Pipeline::Pipeline(const conf::Config& config)
    : outbox_(std::make_unique<Outbox>(config.outbox.path, sink_names(config))),
      dispatcher_(std::make_unique<Dispatcher>(*outbox_, make_sinks(config), dispatcher_options(config))) {}

Pipeline::~Pipeline() {
    dispatcher_.reset();  // workers stop before the outbox they use goes away
}

}  // namespace forwarder

// `bounce-parse --forward`: feeds bounces already sitting in mailboxes (mbox, Maildir, directories)
// through the outbox to the configured sinks, the way the milter would have, and waits until every
// event is delivered or dead-lettered.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace tools {

struct BackfillOptions {
    std::string config_path;
    std::vector<std::string> paths;
    std::chrono::seconds timeout{0};  // 0: wait as long as it takes
    bool progress = true;             // draw a progress line when stderr is a terminal
};

// Exit status: 0 every event delivered by every sink; 1 not all of them: dead letters, unreadable
// inputs, or stopped by --timeout or a signal with events still pending (they stay in the outbox and
// are delivered by the next run or by the milter); 2 configuration or outbox problem (nothing done).
int run_backfill(const BackfillOptions& options);

// --check-config of bounce-parse: the configuration --forward would use, and the directories it names.
int check_backfill_config(const std::string& config_path);

}  // namespace tools

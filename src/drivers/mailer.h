#pragma once
// Sends plain-text mail over SMTP with libcurl, from one background thread:
// enqueue() never blocks the caller and a mail server that is down only
// costs a logged warning. Headers are built here from sanitised values, so
// nothing in a subject or body (a job's name, its output) can add a header.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "config/config.h"

namespace wsp {

struct Mail {
    std::string to;  // one address, already validated
    std::string subject;
    std::string body;
};

// A plain address: local@domain, no spaces, quotes, angle brackets or
// control characters, at most 254 bytes.
bool valid_email(const std::string& address);

// The message as sent: headers (subject stripped of line breaks and
// control characters, RFC 2047-encoded when not ASCII), a blank line, and
// the body with CRLF line ends and lines wrapped below SMTP's 1000 limit.
std::string format_mail(const std::string& from, const Mail& mail, int64_t now_unix);

class Mailer {
  public:
    explicit Mailer(MailConfig config) : config_(std::move(config)) {}
    ~Mailer() { stop(); }
    Mailer(const Mailer&) = delete;
    Mailer& operator=(const Mailer&) = delete;

    bool enabled() const { return !config_.smtp_url.empty(); }
    void start();
    // Sends what is queued, then ends the thread.
    void stop();
    // Queues a mail (dropped, with a warning, beyond 1000 waiting).
    void enqueue(Mail mail);

    // Sends now, on the caller's thread.
    Result<void> send(const Mail& mail);

  private:
    void loop();

    MailConfig config_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Mail> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace wsp

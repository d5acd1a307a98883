#include "drivers/mailer.h"

#include <spdlog/spdlog.h>
#include "drivers/curl_library.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <mutex>

#include "base/strings.h"

namespace wsp {
namespace {

constexpr size_t kMaxQueued = 1000;
constexpr size_t kMaxLine = 900;  // SMTP allows 998 bytes per line

bool is_atext(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::strchr("!#$%&'*+/=?^_`{|}~.-", c) != nullptr;
}

// No line breaks or control characters; at most `max` bytes.
std::string one_line(const std::string& s, size_t max) {
    std::string out;
    for (char c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) c = ' ';
        out += c;
        if (out.size() >= max) break;
    }
    return out;
}

bool is_ascii(const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string encode_subject(const std::string& subject) {
    std::string clean = one_line(subject, 200);
    if (is_ascii(clean)) return clean;
    return "=?UTF-8?B?" + base64_encode(clean, Base64::standard) + "?=";
}

// CRLF line ends, bare CRs dropped, long lines wrapped.
std::string crlf_body(const std::string& body) {
    std::string out;
    size_t line = 0;
    for (char c : body) {
        if (c == '\r') continue;
        if (c == '\n') {
            out += "\r\n";
            line = 0;
            continue;
        }
        if (line >= kMaxLine) {
            out += "\r\n";
            line = 0;
        }
        out += c == '\0' ? ' ' : c;
        ++line;
    }
    if (!out.ends_with("\r\n")) out += "\r\n";
    return out;
}

// "<address>", built by appending (GCC 12 warns wrongly on "<" + s + ">").
std::string angle(const std::string& address) {
    std::string out;
    out.reserve(address.size() + 2);
    out.push_back('<');
    out.append(address);
    out.push_back('>');
    return out;
}

std::string rfc5322_date(int64_t now) {
    time_t t = static_cast<time_t>(now);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

struct Payload {
    const std::string* data;
    size_t offset = 0;
};

size_t read_payload(char* buffer, size_t size, size_t nitems, void* user) {
    auto* p = static_cast<Payload*>(user);
    size_t n = std::min(size * nitems, p->data->size() - p->offset);
    std::memcpy(buffer, p->data->data() + p->offset, n);
    p->offset += n;
    return n;
}

}  // namespace

bool valid_email(const std::string& address) {
    if (address.size() > 254) return false;
    auto at = address.find('@');
    if (at == std::string::npos || at == 0 || at > 64 ||
        address.find('@', at + 1) != std::string::npos)
        return false;
    std::string local = address.substr(0, at), domain = address.substr(at + 1);
    if (!std::all_of(local.begin(), local.end(), is_atext)) return false;
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos)
        return false;
    if (domain.empty() || domain.front() == '.' || domain.back() == '.' ||
        domain.find("..") != std::string::npos)
        return false;
    return std::all_of(domain.begin(), domain.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
}

std::string format_mail(const std::string& from, const Mail& mail, int64_t now_unix) {
    std::string m;
    m += "Date: " + rfc5322_date(now_unix) + "\r\n";
    m += "From: ";
    m += angle(one_line(from, 254));
    m += "\r\nTo: ";
    m += angle(one_line(mail.to, 254));
    m += "\r\n";
    m += "Subject: " + encode_subject(mail.subject) + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=utf-8\r\n";
    m += "Content-Transfer-Encoding: 8bit\r\n";
    m += "Auto-Submitted: auto-generated\r\n";
    m += "\r\n";
    m += crlf_body(mail.body);
    return m;
}

Result<void> Mailer::send(const Mail& mail) {
    if (!enabled()) return unavailable("mail is not configured (mail.smtp_url)");
    if (!valid_email(mail.to)) return validation("mail: invalid recipient");
    const CurlLibrary* c = curl_library();
    if (!c) return unavailable("mail: libcurl is not available");

    std::string message = format_mail(config_.from, mail, static_cast<int64_t>(::time(nullptr)));
    Payload payload{&message};
    CURL* curl = c->easy_init();
    if (!curl) return internal("mail: curl_easy_init failed");
    std::string from = angle(one_line(config_.from, 254));
    std::string to = angle(mail.to);
    curl_slist* rcpt = c->slist_append(nullptr, to.c_str());
    c->easy_setopt(curl, CURLOPT_URL, config_.smtp_url.c_str());
    c->easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    c->easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    c->easy_setopt(curl, CURLOPT_READFUNCTION, read_payload);
    c->easy_setopt(curl, CURLOPT_READDATA, &payload);
    c->easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    c->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    c->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
    c->easy_setopt(curl, CURLOPT_TIMEOUT,
                   static_cast<long>(std::max<int64_t>(config_.timeout_s, 1)));
    CURLcode rc = c->easy_perform(curl);
    c->slist_free_all(rcpt);
    c->easy_cleanup(curl);
    if (rc != CURLE_OK) return unavailable(std::string("mail: ") + c->easy_strerror(rc));
    return Ok{};
}

void Mailer::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void Mailer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Mailer::enqueue(Mail mail) {
    if (!enabled()) {
        spdlog::debug("mail: not configured; a mail to {} is not sent", mail.to);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= kMaxQueued) {
            spdlog::warn("mail: queue full; a mail to {} is dropped", mail.to);
            return;
        }
        queue_.push_back(std::move(mail));
    }
    ready_.notify_one();
}

void Mailer::loop() {
    for (;;) {
        Mail mail;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            mail = std::move(queue_.front());
            queue_.pop_front();
        }
        if (auto r = send(mail); !r.ok())
            spdlog::warn("mail to {} not sent: {}", mail.to, r.error().message);
    }
}

}  // namespace wsp

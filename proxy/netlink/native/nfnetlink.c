/*
 * The one thing svcnet's nftables applier cannot do from JavaScript: send an nf_tables netlink
 * batch (built in TypeScript, proxy/netlink/batch.ts) and collect the kernel's errors, optionally
 * inside a named network namespace. Nothing else lives here: no parsing, no caching.
 *
 * sendBatch(buffer, netns?) -> [{ seq, errno, message }]   (empty: the batch was committed)
 * Throws when the socket cannot be opened or the namespace entered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <node_api.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define THROW(env, ...) do { char m_[512]; snprintf(m_, sizeof m_, __VA_ARGS__); napi_throw_error(env, NULL, m_); return NULL; } while (0)

/*
 * A NETLINK_NETFILTER socket in `netns` (NULL: the current one). setns only moves the calling
 * thread, and a socket keeps the namespace it was created in, so the thread goes there, creates
 * the socket and comes straight back. Failing to come back would leave the whole event loop in
 * the wrong namespace: that aborts rather than continue.
 */
static int open_socket(const char *netns, char *err, size_t errlen) {
  int self = -1, target = -1, fd;
  if (netns) {
    char path[300];
    if (strchr(netns, '/') || snprintf(path, sizeof path, "/var/run/netns/%s", netns) >= (int)sizeof path) {
      snprintf(err, errlen, "invalid network namespace name \"%s\"", netns);
      return -1;
    }
    self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    target = open(path, O_RDONLY | O_CLOEXEC);
    if (self < 0 || target < 0 || setns(target, CLONE_NEWNET) < 0) {
      snprintf(err, errlen, "cannot enter network namespace %s: %s", netns, strerror(errno));
      if (self >= 0) close(self);
      if (target >= 0) close(target);
      return -1;
    }
  }
  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  int saved = errno;
  if (netns) {
    if (setns(self, CLONE_NEWNET) < 0) abort();
    close(self);
    close(target);
  }
  if (fd < 0) snprintf(err, errlen, "netlink socket: %s", strerror(saved));
  return fd;
}

/* Appends { seq, errno, message } for every error the kernel queued for the batch. */
static napi_status push_error(napi_env env, napi_value list, uint32_t index, uint32_t seq, int code) {
  napi_value obj, v;
  napi_status s = napi_create_object(env, &obj);
  if (s == napi_ok) s = napi_create_uint32(env, seq, &v);
  if (s == napi_ok) s = napi_set_named_property(env, obj, "seq", v);
  if (s == napi_ok) s = napi_create_int32(env, code, &v);
  if (s == napi_ok) s = napi_set_named_property(env, obj, "errno", v);
  if (s == napi_ok) s = napi_create_string_utf8(env, strerror(code), NAPI_AUTO_LENGTH, &v);
  if (s == napi_ok) s = napi_set_named_property(env, obj, "message", v);
  if (s == napi_ok) s = napi_set_element(env, list, index, obj);
  return s;
}

/*
 * The kernel runs a whole batch inside sendmsg (nfnetlink_rcv_batch), so once it returns every
 * error is already queued: read without waiting until the queue is empty, as nft does. Messages
 * carry no NLM_F_ACK, so a committed batch queues nothing.
 */
static napi_value collect_errors(napi_env env, int fd) {
  static char buf[65536];
  napi_value list;
  uint32_t count = 0;
  if (napi_create_array(env, &list) != napi_ok) return NULL;
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) {
      /* ENOBUFS: errors were lost; still a failed batch. */
      if (push_error(env, list, count++, 0, errno) != napi_ok) return NULL;
      break;
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr))) continue;
      struct nlmsgerr *e = NLMSG_DATA(h);
      if (e->error != 0 && push_error(env, list, count++, e->msg.nlmsg_seq, -e->error) != napi_ok) return NULL;
    }
  }
  return list;
}

static napi_value send_batch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char netns[256], err[400];
  void *data;
  size_t len, nslen = 0;
  napi_valuetype t2 = napi_undefined;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) THROW(env, "sendBatch(buffer, netns?)");
  if (napi_get_buffer_info(env, argv[0], &data, &len) != napi_ok) THROW(env, "sendBatch: first argument must be a Buffer");
  if (argc > 1) napi_typeof(env, argv[1], &t2);
  if (t2 == napi_string && napi_get_value_string_utf8(env, argv[1], netns, sizeof netns, &nslen) != napi_ok) THROW(env, "sendBatch: bad netns");
  int fd = open_socket(t2 == napi_string && nslen > 0 ? netns : NULL, err, sizeof err);
  if (fd < 0) THROW(env, "%s", err);
  /* A batch is one datagram: it must fit the send buffer (errors are small, but many). */
  int sndbuf = (int)len + 65536, rcvbuf = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  ssize_t sent;
  do sent = sendto(fd, data, len, 0, (struct sockaddr *)&kernel, sizeof kernel);
  while (sent < 0 && errno == EINTR);
  if (sent != (ssize_t)len) {
    int e = errno;
    close(fd);
    THROW(env, "netlink send: %s", sent < 0 ? strerror(e) : "short write");
  }
  napi_value result = collect_errors(env, fd);
  close(fd);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "sendBatch", NAPI_AUTO_LENGTH, send_batch, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "sendBatch", fn) != napi_ok) return NULL;
  return exports;
}

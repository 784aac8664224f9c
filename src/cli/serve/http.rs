//! Connections: accepting them, capping them, and closing the ones that stall.
//!
//! hyper parses HTTP/1.1 (keep-alive, pipelining, HEAD); tokio gives every connection a task of
//! its own, so a phone that reads its snapshot slowly, or a client that never reads at all, ties
//! up only its own connection and the memory of the reply it has not taken. Around that, the
//! limits a server on the open network needs ([`Limits`]):
//!
//! - *A cap on connections.* Past it, a new connection gets a one-line `503` and is closed at
//!   once, so that a flood costs the server a little work per connection and no memory; and when
//!   the process runs out of file descriptors, accepting pauses briefly and goes on — the
//!   listener never dies.
//! - *Stalls.* A connection on which no byte moved, either way, for the idle time is closed —
//!   an idle keep-alive, a client that stopped reading its reply, a request that stopped halfway —
//!   except while the server itself is working on one of its requests (a snapshot being built).
//!   A reply's bytes are seen to move when the kernel takes them into the connection's send
//!   buffer, which frees up only as the client reads; so that buffer is kept to a size
//!   ([`SEND_BUFFER`]) that a slow phone still drains well within the idle time — with the
//!   kernel's own, which grows to megabytes, a phone reading steadily at 32 KB/s could go a
//!   minute without the server seeing a byte move. A slow phone that keeps reading is never cut
//!   off.
//! - *A request's head* (request line and headers) must arrive within the head time and fit in
//!   the head size; hyper answers `431` when it does not fit. Bodies have their own limits where
//!   they are read (`super::read_body`).
//!
//! Replies go out with `TCP_NODELAY`: each is written whole at once, so holding back its last
//! segment (Nagle's algorithm, meeting the client's delayed ACK) only adds latency.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// The limits of [`run`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// Connections open at once; more are refused with a 503.
    pub max_connections: usize,
    /// How long a connection may go without a byte moving while the server is not working on it.
    pub idle: Duration,
    /// How long a request's head may take to arrive.
    pub head_time: Duration,
    /// The largest request head, in bytes.
    pub head_bytes: usize,
}

/// The send buffer of each connection: enough for a fast network's bandwidth-delay product
/// (100 Mbit/s at 20 ms), small enough that a phone reading at a few KB/s frees part of it every
/// few seconds.
const SEND_BUFFER: usize = 256 << 10;

/// What a connection past the cap is told before it is closed.
const SHED: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Accepts connections on `listener` for ever, answering each request with `handle`.
pub(super) async fn run<H, F>(listener: TcpListener, limits: Limits, handle: H)
where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut last_complaint: Option<Instant> = None;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, most likely: those close as connections end. Said once
                // a second at most, so that a flood cannot fill the log.
                if last_complaint.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
                    eprintln!("tongxunlu serve: cannot accept a connection: {e} (still listening)");
                    last_complaint = Some(Instant::now());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Best effort: a full socket buffer just means the client sees the connection close.
            let _ = stream.try_write(SHED);
            continue;
        };
        let handle = handle.clone();
        tokio::spawn(async move {
            serve_connection(stream, limits, handle).await;
            drop(permit);
        });
    }
}

async fn serve_connection<H, F>(stream: TcpStream, limits: Limits, handle: H)
where
    H: Fn(Request<Incoming>) -> F + Send + Sync + 'static,
    F: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    // Only hints; a socket that refuses them still works.
    let _ = stream.set_nodelay(true);
    let _ = socket2::SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER);
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched { stream, activity: activity.clone() });
    let working = activity.clone();
    let service = service_fn(move |request| {
        let busy = Busy::new(working.clone());
        let reply = handle(request);
        async move {
            let response = reply.await;
            drop(busy);
            Ok::<_, Infallible>(response)
        }
    });
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.head_time)
        .max_buf_size(limits.head_bytes)
        // A client may shut its side once it has sent its request and still wait for the answer;
        // one that has gone away is closed as a stall.
        .half_close(true)
        .serve_connection(io, service);
    tokio::select! {
        // An error here is the client's (a malformed request, a reset): hyper has answered what
        // can be answered, and there is no one else to tell.
        _ = connection => {}
        () = activity.stalled(limits.idle) => {}
    }
}

/// When a connection last moved a byte, and whether the server is working on one of its requests.
struct Activity {
    opened: Instant,
    /// Milliseconds from `opened` to the last byte moved.
    last: AtomicU64,
    /// Requests of the connection being worked on.
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Activity {
        Activity { opened: Instant::now(), last: AtomicU64::new(0), busy: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        let now = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(now, Ordering::Relaxed);
    }

    /// Resolves once `idle` has passed with no byte moved and no request being worked on.
    async fn stalled(&self, idle: Duration) {
        loop {
            let deadline = self.opened + Duration::from_millis(self.last.load(Ordering::Relaxed)) + idle;
            if Instant::now() >= deadline {
                if self.busy.load(Ordering::Relaxed) == 0 {
                    return;
                }
                // Working: look again when another idle time has passed from now.
                self.touch();
                continue;
            }
            tokio::time::sleep_until(deadline.into()).await;
        }
    }
}

/// Marks its connection busy while it lives.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Busy {
        activity.busy.fetch_add(1, Ordering::Relaxed);
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
        // The reply is about to be written: the idle time counts from here.
        self.0.touch();
    }
}

/// A TCP stream that notes every byte moved in its [`Activity`].
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl Watched {
    fn moved<T>(&self, result: Poll<io::Result<T>>, bytes: impl FnOnce(&T) -> usize) -> Poll<io::Result<T>> {
        if let Poll::Ready(Ok(value)) = &result {
            if bytes(value) > 0 {
                self.activity.touch();
            }
        }
        result
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.stream).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        self.moved(result, |_| read)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.moved(result, |&n| n)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.moved(result, |&n| n)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

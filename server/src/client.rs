//! A small HTTP client side of the app, shared by the benchmark and the
//! tests: sign in like a browser, read a server-sent event stream.

use futures::StreamExt;

/// Signs in through the form and returns the session cookie (`name=value`).
pub async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    username: &str,
    password: &str,
) -> Result<String, String> {
    let response = http
        .post(format!("{base}/auth/login"))
        .form(&[("username", username), ("password", password), ("next", "")])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wis_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| format!("sign-in as {username} failed ({})", response.status()))
}

/// One server-sent event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SseEvent {
    pub kind: Option<String>,
    pub id: Option<i64>,
    pub data: Option<String>,
}

/// Takes the complete events out of `buffer`, leaving a partial one there.
/// Comment-only blocks (keep-alives) are skipped.
pub fn take_events(buffer: &mut String) -> Vec<SseEvent> {
    let mut events = Vec::new();
    while let Some(end) = buffer.find("\n\n") {
        let block: String = buffer.drain(..end + 2).collect();
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
        };
        let event = SseEvent {
            kind: field("event:"),
            id: field("id:").and_then(|v| v.parse().ok()),
            data: field("data:"),
        };
        if event != SseEvent::default() {
            events.push(event);
        }
    }
    events
}

/// Reads a response body as server-sent events, calling `each` for every
/// event until the stream ends or `each` returns false.
pub async fn read_events(response: reqwest::Response, mut each: impl FnMut(SseEvent) -> bool) {
    let mut body = response.bytes_stream();
    let mut buffer = String::new();
    while let Some(Ok(chunk)) = body.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        for event in take_events(&mut buffer) {
            if !each(event) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_split_and_partial_ones_kept() {
        let mut buffer = String::from(
            ": live stock\nretry: 1000\n\nevent: stock\nid: 42\ndata: {\"a\":1}\n\nevent: resync\nda",
        );
        let events = take_events(&mut buffer);
        assert_eq!(
            events,
            vec![SseEvent {
                kind: Some("stock".into()),
                id: Some(42),
                data: Some("{\"a\":1}".into())
            }]
        );
        assert_eq!(buffer, "event: resync\nda");
    }
}

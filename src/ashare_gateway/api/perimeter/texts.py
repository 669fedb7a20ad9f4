"""Every refusal the perimeter can answer, as data (shown to the caller in its dialect's envelope)."""

from __future__ import annotations

TEXTS = {
    "host": "拒绝访问：未知的主机名 {host}（网关只接受本机地址，其他主机名请用 --allowed-host 指定）",
    "no_host": "请求缺少 Host 头",
    "cross_site": "拒绝跨站请求：其他网页（{origin}）不能调用网关（如需允许，请用 --cors-origin 指定该来源）",
    "json_only": "不支持的请求体类型：{ctype}（此接口只接受 Content-Type: application/json）",
    "token": "未授权：缺少或错误的 API 令牌（Authorization: Bearer <token> 或 X-API-Key）",
    "ip": "拒绝访问：来源地址不在允许列表中",
    "rate": "请求过于频繁，请稍后再试",
    "size": "请求体过大（上限{limit}字节）",
}

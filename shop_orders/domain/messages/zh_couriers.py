"""Simplified Chinese: courier adapters, tracking states and the courier simulator."""

ZH: dict[str, str] = {
    # tracking states (domain/tracking.py)
    "label created, not picked up": "已下单，未揽收", "picked up by the courier": "快递已揽收", "on the way": "运输中",
    "out for delivery": "派送中", "delivered to the customer": "已签收", "delivery attempt failed": "派送未成功",
    "returned to the shop": "已退回", "courier problem": "物流异常", "not a valid tracking number": "快递单号无效", "no news from the courier yet": "快递暂无信息",
    "'{number}' is not a tracking number: it must be 6 to 40 capital letters, digits or '-'.":
        "“{number}”不是快递单号：单号应为 6 到 40 位大写字母、数字或“-”。",
    # adapters (adapters/couriers/)
    "The courier {name} could not be reached; check its address and the network, then try again.":
        "无法连接快递接口“{name}”；请检查接口地址和网络后重试。",
    "The courier {name} did not answer within {seconds} seconds; try again later.":
        "快递接口“{name}”在 {seconds} 秒内没有应答；请稍后重试。",
    "The courier {name} refused our credentials; check the API key and the customer id.":
        "快递接口“{name}”拒绝了我们的凭据；请检查 API 密钥和客户编号。",
    "The courier {name} is limiting our requests and still refused after {tries} tries; try again in a few minutes.":
        "快递接口“{name}”正在限制请求频率，尝试 {tries} 次后仍被拒绝；请过几分钟再试。",
    "The courier {name} sent an answer larger than {size} bytes; it was refused.":
        "快递接口“{name}”返回的内容超过 {size} 字节，已拒收。",
    "The courier {name} sent an answer that could not be read; nothing was taken from it.":
        "快递接口“{name}”返回的内容无法解析，未采用其中任何信息。",
    "The courier {name} had a server error (code {code}); try again later.":
        "快递接口“{name}”服务器出错（代码 {code}）；请稍后重试。",
    "The courier {name} refused the request (code {code}); check its carrier code and address.":
        "快递接口“{name}”拒绝了请求（代码 {code}）；请检查快递公司编码和接口地址。",
    "unknown courier kind '{kind}'; expected one of: {choices}": "未知快递接口类型“{kind}”；可用：{choices}",
    "The courier {name}'s address must start with http:// or https://.":
        "快递接口“{name}”的地址必须以 http:// 或 https:// 开头。",
    "The courier {name} needs a carrier code, such as 'yuantong' or 'ups'.":
        "快递接口“{name}”需要填写快递公司编码，例如“yuantong”或“ups”。",
    # the simulator (courier_sim.py)
    "The courier simulator is listening on {url} (Kuaidi100 and AfterShip); press Ctrl+C to stop.":
        "快递模拟服务正在 {url} 监听（快递100 与 AfterShip 协议）；按 Ctrl+C 停止。",
    "The courier simulator served {count} requests, {limited} of them over its rate limit.":
        "快递模拟服务共处理 {count} 个请求，其中 {limited} 个超出频率限制。",
    "Courier simulator stopped.": "快递模拟器已停止。",
}

"""Simplified Chinese: store messages (see the package docstring)."""

ZH: dict[str, str] = {
    # store/errors.py: the environment's failures, and what the database refused
    "The database {where} is busy: another program kept it locked for too long. Nothing was changed; try again.":
        "数据库 {where} 正忙：另一个程序锁定它的时间过长。未做任何修改，请重试。",
    "{where} is not a Shop Orders database (not an SQLite file).": "{where} 不是订单台数据库（不是 SQLite 文件）。",
    "The database {where} is damaged; restore it from a backup (shop-orders restore).":
        "数据库 {where} 已损坏，请从备份恢复（shop-orders restore）。",
    "The disk holding {where} is full; nothing was changed.": "存放 {where} 的磁盘已满，未做任何修改。",
    "The database {where} cannot be opened (check the folder exists and is writable).":
        "无法打开数据库 {where}（请检查文件夹是否存在且可写入）。",
    "The database {where} is read-only; nothing was changed.": "数据库 {where} 为只读，未做任何修改。",
    "The database server for {where} refused the connection; is it running?": "{where} 的数据库服务器拒绝了连接，服务器是否已启动？",
    "The database server for {where} refused the user name or password.": "{where} 的数据库服务器拒绝了用户名或密码。",
    "The database {where} does not exist on the server.": "服务器上不存在数据库 {where}。",
    "The database server name in {where} cannot be found.": "找不到 {where} 中的数据库服务器名称。",
    "a value is out of range or too long for the store": "某个值超出范围或太长，无法保存",
    "the change breaks one of the store's rules (a duplicate or a missing value)": "此修改违反了数据库的规则（重复或缺少某个值）",
    "the database reported an error": "数据库报告了错误",
    "The database {where} refused the change ({kind}); nothing was written.": "数据库 {where} 拒绝了此修改（{kind}），未写入任何内容。",
    "unexpected database error ({kind})": "意外的数据库错误（{kind}）",
    "unexpected {kind}: {error}": "意外错误 {kind}：{error}",
    # store/db.py, store/open.py, store/migrate.py
    "unsupported database '{driver}': use a file path or postgresql://": "不支持的数据库“{driver}”：请使用文件路径或 postgresql://",
    "the database URL": "数据库地址",
    "The database file {path} was deleted or replaced by another program while Shop Orders "
    "had it open, so nothing more will be written; close Shop Orders and open it again.":
        "订单台打开数据库文件 {path} 期间，它被另一个程序删除或替换，因此不会再写入任何内容；请关闭订单台后重新打开。",
    "{target} is not a database path or URL: {error}.": "{target} 不是数据库路径或地址：{error}。",
    "{path} is a folder, not a database file.": "{path} 是文件夹，不是数据库文件。",
    "There is no database at {path}; run 'shop-orders init' first.": "{path} 处没有数据库，请先运行“shop-orders init”。",
    "{where} is a database, but not a Shop Orders one.": "{where} 是数据库，但不是订单台的数据库。",
    "There is no Shop Orders database at {where}; run 'shop-orders init' first.":
        "{where} 处没有订单台数据库，请先运行“shop-orders init”。",
    "{where} was written by a newer version of Shop Orders (schema {rev}); install the newer version to open it.":
        "{where} 由更新版本的订单台写入（结构版本 {rev}），请安装新版本后再打开。",
    # store/keys.py
    "{where} is not a Shop Orders audit key file.": "{where} 不是订单台的审计密钥文件。",
    "The database holds a malformed audit store id.": "数据库中的审计库编号格式有误。",
    "{path} holds the key of another store.": "{path} 中是另一个数据库的密钥。",
    "This computer already holds a different audit key for store {store}; nothing was changed.":
        "这台电脑已有数据库 {store} 的另一把审计密钥，未做任何修改。",
    # store/seats.py
    "{host} pid {pid} since {time}": "{host}（进程 {pid}，{time} 起）",
    # store/audit.py: writers that stop, and what verify finds
    "{file} does not fit the audit trail of {where}: {problem}.": "{file} 与 {where} 的审计记录不符：{problem}。",
    "The audit trail of {where} is damaged ({problem}); restore a backup instead of resetting the heads.":
        "{where} 的审计记录已损坏（{problem}），请恢复备份，不要重置链头。",
    "The audit head file {path} of {where} is missing: writing stopped; run "
    "`shop-orders audit verify`, then `shop-orders audit heads reset` if the trail is intact.":
        "{where} 的审计链头文件 {path} 不见了：已停止写入；请运行 `shop-orders audit verify`，"
        "审计记录完好时再运行 `shop-orders audit heads reset`。",
    "The audit head file {path} of {where} was changed outside Shop Orders: writing stopped; "
    "run `shop-orders audit verify`.":
        "{where} 的审计链头文件 {path} 在订单台之外被修改：已停止写入；请运行 `shop-orders audit verify`。",
    "The audit trail of {where} ends at event #{seq} but this seat recorded #{mine}: writing "
    "stopped; run `shop-orders audit verify` and restore a backup.":
        "{where} 的审计记录止于第 #{seq} 条，但本席位记录到第 #{mine} 条：已停止写入；"
        "请运行 `shop-orders audit verify` 并恢复备份。",
    "This computer has no key for the audit trail of {where}, so it may read but not write: on a seat "
    "that has it run `shop-orders audit key export FILE`, then here `shop-orders audit key import FILE`.":
        "这台电脑没有 {where} 审计记录的密钥，只能查看，不能修改：请在有密钥的席位上运行 "
        "`shop-orders audit key export FILE`，再在这里运行 `shop-orders audit key import FILE`。",
    "The audit store id of {where} was removed from the database, which this computer "
    "keyed before: writing stopped; run `shop-orders audit verify` and restore a backup.":
        "{where} 的审计库编号已从数据库中删除，而这台电脑以前为它生成过密钥：已停止写入；"
        "请运行 `shop-orders audit verify` 并恢复备份。",
    "The audit store id of {where} was removed from the database: writing stopped; "
    "run `shop-orders audit verify` and restore a backup.":
        "{where} 的审计库编号已从数据库中删除：已停止写入；请运行 `shop-orders audit verify` 并恢复备份。",
    "this computer has no key for the audit chain of store {store}; import it with "
    "`shop-orders audit key import FILE`":
        "这台电脑没有数据库 {store} 审计哈希链的密钥，请用 `shop-orders audit key import FILE` 导入",
    "the head recorded outside the database does not match the start of the audit chain":
        "数据库外记录的链头与审计哈希链的开头不符",
    "audit event #{n} is missing (deleted from the chain)": "审计记录 #{n} 不见了（已从链中删除）",
    "audit event #{n} does not follow event #{previous} (inserted or replaced)":
        "审计记录 #{n} 没有接在 #{previous} 之后（被插入或替换）",
    "audit event #{n} ({action} {field} of {order}) was altered or forged after it was recorded":
        "审计记录 #{n}（{order} 的 {action} {field}）在记录后被篡改或伪造",
    "shop": "店铺",
    "audit event #{n} does not match the head recorded outside the database": "审计记录 #{n} 与数据库外记录的链头不符",
    "the audit chain ends at event #{last} but the database's head says #{head}":
        "审计哈希链止于第 #{last} 条，但数据库中的链头为 #{head}",
    "audit events #{first} to #{beyond} are missing: the chain ends at #{last} "
    "but the head recorded outside the database is #{beyond}":
        "审计记录 #{first} 至 #{beyond} 不见了：链止于 #{last}，但数据库外记录的链头为 #{beyond}",
    "the audit head file outside the database is unreadable": "数据库外的审计链头文件无法读取",
    "the audit head file {path} is missing": "审计链头文件 {path} 不见了",
    "the audit head file {path} is unreadable or was rewritten (its signature does not match)":
        "审计链头文件 {path} 无法读取或被改写（签名不符）",
    "{file} says #{n}": "{file} 为 #{n}",
    "the two audit head files disagree ({listed}): one was reset or rewritten":
        "两个审计链头文件不一致（{listed}）：其中一个被重置或改写",
    "this computer has no key for the audit chain of {where}; import it with `shop-orders audit key import FILE`":
        "这台电脑没有 {where} 审计哈希链的密钥，请用 `shop-orders audit key import FILE` 导入",
    "an event was deleted from the middle of the chain": "链中间的一条记录被删除",
    "an event was inserted, replaced or reordered": "有记录被插入、替换或调换顺序",
    "an event's content (or hash) was changed, or it was forged without the key": "某条记录的内容（或哈希）被修改，或在没有密钥的情况下被伪造",
    "the database's own head row does not match its chain": "数据库自身的链头行与链不符",
    "the newest events were deleted (the chain ends before a head kept outside)": "最新的记录被删除（链在数据库外保存的链头之前就结束了）",
    "a head kept outside names a different event than the chain holds": "数据库外保存的链头指向的记录与链中的不同",
    "a head file is missing": "链头文件不见了",
    "a head file is unreadable or not signed with the store's key": "链头文件无法读取，或未用该数据库的密钥签名",
    "the two head files name different events (one was reset or rewritten)": "两个链头文件指向不同的记录（其中一个被重置或改写）",
    "this computer has no key for the store's chain": "这台电脑没有该数据库哈希链的密钥",
    # services/backup.py
    "{path} does not exist.": "{path} 不存在。",
    "{path} is not a Shop Orders backup (not an SQLite file).": "{path} 不是订单台备份（不是 SQLite 文件）。",
    "{path} is damaged or not a database ({error}).": "{path} 已损坏或不是数据库（{error}）。",
    "{path} fails SQLite's integrity check: {problem}.": "{path} 未通过 SQLite 完整性检查：{problem}。",
    "{path} is an SQLite file but not a Shop Orders backup.": "{path} 是 SQLite 文件，但不是订单台备份。",
    "{path} was made by a newer version of Shop Orders (schema {rev}).": "{path} 由更新版本的订单台生成（结构版本 {rev}）。",
    "{path} fails the audit check: {problem}.": "{path} 未通过审计校验：{problem}。",
    "The folder {folder} does not exist.": "文件夹 {folder} 不存在。",
    "The backup was cancelled; no backup file was written.": "已取消备份，未写入备份文件。",
    "{path} has no manifest ({manifest}), so it cannot be checked; restore only accepts "
    "a backup written by 'shop-orders backup' with its manifest beside it.":
        "{path} 没有清单文件（{manifest}），无法校验；只能恢复由“shop-orders backup”生成、旁边带有清单文件的备份。",
    "{path} is not a readable backup manifest ({error}).": "{path} 不是可读取的备份清单（{error}）。",
    "{path} is a copy of a damaged store, kept for investigation; it cannot be restored.":
        "{path} 是损坏数据库的副本，仅供调查保留，不能用于恢复。",
    "{n} other seat is connected ({listed})": "另有 {n} 个席位已连接（{listed}）",
    "{n} other seats are connected ({listed})": "另有 {n} 个席位已连接（{listed}）",
    "Restore needs the store to itself: {who}. Close them, or use --wait.": "恢复时只能有本席位连接数据库：{who}。请关闭它们，或使用 --wait。",
    "The restore was cancelled while waiting for other seats; nothing was changed.": "等待其他席位期间已取消恢复，未做任何修改。",
    "Restore gave up after waiting {seconds} s for the store: {who}.": "等待数据库 {seconds} 秒后放弃恢复：{who}。",
    "the store": "该数据库",
    "SQLite finds it damaged: {problem}": "SQLite 发现它已损坏：{problem}",
    "{path} does not match its manifest: the file was changed after the backup.": "{path} 与其清单不符：备份后文件被修改过。",
    "{path} does not match its manifest: it holds {orders} orders and {events} audit events, "
    "the manifest says {said_orders} and {said_events}.":
        "{path} 与其清单不符：其中有 {orders} 个订单、{events} 条审计记录，清单记载的是 {said_orders} 和 {said_events}。",
    # services/verification.py
    "The check of the audit trail was cancelled; nothing was concluded.": "已取消审计记录校验，未得出结论。",
    "{events} events, {orders} orders replayed": "{events} 条记录，已重放 {orders} 个订单",
    "order {order} ({number}): {what}": "订单 {order}（{number}）：{what}",
    "deleted directly from the store: the audit trail records it but its row is gone":
        "被直接从数据库中删除：审计记录中有它，但它的数据行已不存在",
    "added to the store directly: the audit trail has no record of its creation": "被直接添加到数据库：审计记录中没有它的创建记录",
    "the global id is {order} in the store but the audit trail says {said}": "数据库中的全局编号为 {order}，但审计记录为 {said}",
    "it differs from what the audit trail says": "与审计记录不符",
    "its payments add up to {stored} in the store but the audit trail says {said}": "数据库中的付款合计为 {stored}，但审计记录为 {said}",
    # services/settings.py, resources.py
    "'{name}' is not a time zone name such as Asia/Shanghai or Europe/London": "“{name}”不是时区名称（例如 Asia/Shanghai 或 Europe/London）",
    "the Shop Orders resources folder is missing from this installation": "此安装中缺少订单台的资源文件夹",
    # domain/replay.py: what the trail says an order was created as, and where a row differs from it
    "created as {channel} {number}; {status}; {total} {currency}": "创建为 {channel} {number}；{status}；{total} {currency}",
    "created as {channel} {number}; {status}; {total} {currency}; paid {paid}":
        "创建为 {channel} {number}；{status}；{total} {currency}；已付 {paid}",
    "{field} differs from what the audit trail says": "{field}与审计记录不符",
    "{field} is {stored} in the store but the audit trail says {said}": "{field}在数据库中为 {stored}，但审计记录为 {said}",
    "the number of lines is {stored} in the store but the audit trail says {said}": "数据库中的商品行数为 {stored}，但审计记录为 {said}",
    "line {n} quantity is {stored} in the store but the audit trail says {said}": "第 {n} 行商品的数量在数据库中为 {stored}，但审计记录为 {said}",
    "line {n} unit price is {stored} in the store but the audit trail says {said}": "第 {n} 行商品的单价在数据库中为 {stored}，但审计记录为 {said}",
}

ZH.update({"Adding demo orders was cancelled; none were added.": "已取消添加演示订单，未添加任何订单。"})

ZH.update({
    "Only the owner may add demo orders.": "只有老板可以添加演示订单。",
    "Demo orders go only into an empty store, and {where} holds {n} orders: give a new file with --db for a demo "
    "store.": "演示订单只能加入空的数据库，而 {where} 已有 {n} 个订单：请用 --db 指定一个新文件作为演示数据库。",
    "its archived state, its created or updated time or its version was changed directly in the store (its seal does "
    "not match)": "它的归档状态、创建或更新时间或版本号被直接在数据库中改动（封签不符）",
    "a line's SKU, title or shipped quantity was changed directly in the store (its seal does not match)":
        "某行商品的 SKU、名称或已发货数量被直接在数据库中改动（封签不符）",
    "a payment's method, reference or time was changed directly in the store (its seal does not match)":
        "某笔付款的方式、流水号或时间被直接在数据库中改动（封签不符）",
    "a parcel (its courier, tracking number or items) was changed, added or removed directly in the store (its seal "
    "does not match)": "某个包裹（快递公司、运单号或商品）被直接在数据库中改动、添加或删除（封签不符）",
})

ZH.update({
    "A restore of {source} was interrupted after it had replaced the store; it is now finished, and what it replaced "
    "is in {path}.": "从 {source} 的恢复曾被中断，当时已替换了数据库；现已完成，被替换的数据保存在 {path}。",
    "A restore of {source} was interrupted before it changed the store; the store is as it was.":
        "从 {source} 的恢复曾在改动数据库之前被中断；数据库保持原样。",
    "Another restore is running on this computer; wait until it has finished.": "这台电脑上正在进行另一次恢复；请等它完成。",
})

ZH.update({
    "The audit trail of {where} ends at event #{seq} but this computer's keychain recorded #{mine}: the store was put "
    "back to an earlier state or its trail was cut; writing stopped; run `shop-orders audit verify` and restore a "
    "backup.": "{where} 的审计记录止于第 {seq} 条，但这台电脑的钥匙串记录到第 {mine} 条：数据库被退回到更早的状态或记录被截断；"
               "已停止写入；请运行 `shop-orders audit verify` 并恢复备份。",
    "the audit head in this computer's keychain was rewritten (its signature does not match)":
        "这台电脑钥匙串中的审计链头被改写（签名不符）",
    "The audit store id of {where} is not the one this computer keyed there: writing stopped; run `shop-orders audit "
    "verify` and restore a backup (or import the new store's key).":
        "{where} 的审计库标识不是这台电脑在此处建立密钥时的那个：已停止写入；请运行 `shop-orders audit verify` 并恢复备份"
        "（或导入新库的密钥）。",
    "The audit head of the seat on {host}, kept in {where}, was changed outside Shop Orders: writing stopped; run "
    "`shop-orders audit verify`.":
        "保存在 {where} 中、{host} 上那个席位的审计链头被 Shop Orders 以外的程序改动：已停止写入；请运行 "
        "`shop-orders audit verify`。",
    "The audit trail of {where} ends at event #{seq} but the seat on {host} recorded #{mine}: writing stopped; run "
    "`shop-orders audit verify` and restore a backup.":
        "{where} 的审计记录止于第 {seq} 条，但 {host} 上的席位记录到第 {mine} 条：已停止写入；请运行 "
        "`shop-orders audit verify` 并恢复备份。",
    "the audit head of the seat on {host} kept in the database is not signed with the store's key":
        "数据库中保存的 {host} 席位审计链头没有用本库的密钥签名",
    "The audit store id of {where} is missing, but the store was written under an audit key (its trail, signed rows "
    "or seat heads say so): writing stopped; run `shop-orders audit verify` and restore a backup.":
        "{where} 缺少审计库标识，但该库曾在审计密钥下写入（审计链、已签名的行或席位链头表明如此）：已停止写入；"
        "请运行 `shop-orders audit verify` 并恢复备份。",
    "sslmode '{mode}' is not one of {modes}": "sslmode '{mode}' 不是 {modes} 之一",
    "The database server for {where} asks for a password and none was given: put it in ~/.pgpass, set "
    "SHOP_ORDERS_DB_PASSWORD, or type it when the command line asks.":
        "{where} 的数据库服务器要求密码，但没有提供：请写入 ~/.pgpass、设置 SHOP_ORDERS_DB_PASSWORD，或在命令行提示时输入。",
    "The database server for {where} does not offer SSL, which the address asks for (sslmode); nothing was changed.":
        "{where} 的数据库服务器不提供地址所要求的 SSL（sslmode）；未做任何更改。",
    "The database server for {where} is shutting down; nothing was changed; try again when it is back.":
        "{where} 的数据库服务器正在关闭；未做任何更改；请在它恢复后重试。",
    "The database server for {where} is starting up; nothing was changed; try again in a moment.":
        "{where} 的数据库服务器正在启动；未做任何更改；请稍后重试。",
    "The database server for {where} was stopped during the work; nothing was changed; try again when it is back.":
        "{where} 的数据库服务器在操作过程中被停止；未做任何更改；请在它恢复后重试。",
    "The database server for {where} went away during the work; nothing was changed; try again.":
        "{where} 的数据库服务器在操作过程中断开；未做任何更改；请重试。",
    "Another seat is busy with the store {where} and held it for too long; nothing was changed; try again in a "
    "moment.":
        "另一个席位正在使用 {where}，占用时间过长；未做任何更改；请稍后重试。",
    "The address of {where} has an sslmode the server library does not know.":
        "{where} 的地址中有数据库驱动不认识的 sslmode。",
    "Another seat ({host}) is busy with {work} on {where}; nothing was changed; try again in a moment.":
        "另一个席位（{host}）正在 {where} 上{work}；未做任何更改；请稍后重试。",
    "an import": "导入订单",
    "adding demo data": "添加演示数据",
    "a scan": "扫描发货",
    "a change": "修改",
    "applying a bulk change": "执行批量修改",
    "the rules' sweep": "运行规则巡检",
    "a tracking sync": "同步物流",
    "a restore": "恢复备份",
    "another seat": "另一个席位",
    "Database password: ": "数据库密码：",
    "SQLite file path or postgresql://user@host/db (no password here, where ps shows it: it comes from ~/.pgpass, "
    "${env} or the terminal's prompt)":
        "SQLite 文件路径或 postgresql://用户@主机/数据库（不要在这里写密码，ps 会显示它：密码来自 ~/.pgpass、${env} "
        "或终端提示）",
    "The store was restored to the backup of {backup} by {who} at {at}; this seat goes on from there.":
        "{who} 于 {at} 把数据库恢复到了 {backup} 的备份；本席位从那里继续。",
    "{where} was written by PostgreSQL {was}, and this server is PostgreSQL {now}, an older version: nothing was "
    "written; use a server of version {was} or newer.":
        "{where} 由 PostgreSQL {was} 写入，而这台服务器是更旧的 PostgreSQL {now}：未写入任何内容；请使用 {was} 或更新版本的服务器。",
    "Another seat ({host}) is busy with {work}; waiting…": "另一个席位（{host}）正在{work}；等待中…",
    ", ": "、",  # between the items of a list in a sentence
    "{who} on {host}": "{host} 上的 {who}",
    "{who} is waiting to restore a backup over this store: close Shop Orders here when you can (your changes so far "
    "are saved).": "{who} 正在等待把备份恢复到这个数据库：请尽快关闭这里的 Shop Orders（到目前为止的修改都已保存）。",
    "Database password": "数据库密码",
})

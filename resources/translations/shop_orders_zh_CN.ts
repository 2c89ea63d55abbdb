<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>ChangeStatusDialog</name>
    <message>
        <source>Change status of %s</source>
        <translation>修改 %s 的状态</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>New status</source>
        <translation>新状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>No status change is possible by hand from here.</source>
        <translation>此状态不能手动修改。</translation>
    </message>
    <message>
        <source>Cancelling needs a reason.</source>
        <translation>取消订单需要填写原因。</translation>
    </message>
</context>
<context>
    <name>DetailPanel</name>
    <message>
        <source>No order selected</source>
        <translation>未选择订单</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Total / paid</source>
        <translation>金额 / 已付</translation>
    </message>
    <message>
        <source>Buyer</source>
        <translation>买家</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>收货人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <source>Created / last update</source>
        <translation>下单 / 最后更新</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变更</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Shipped</source>
        <translation>已发</translation>
    </message>
    <message>
        <source>Paid at</source>
        <translation>付款时间</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>流水号</translation>
    </message>
    <message>
        <source>Shipped at</source>
        <translation>发货时间</translation>
    </message>
    <message>
        <source>Tracking no.</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>商品明细</translation>
    </message>
    <message>
        <source>Trust chain</source>
        <translation>状态信任链</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>付款</translation>
    </message>
    <message>
        <source>Shipments</source>
        <translation>发货</translation>
    </message>
</context>
<context>
    <name>EditContactDialog</name>
    <message>
        <source>Edit recipient of %s</source>
        <translation>修改 %s 的收货信息</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>收货人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Nothing was changed.</source>
        <translation>没有任何修改。</translation>
    </message>
    <message>
        <source>Say why (the customer called, a typo...): it goes into the trust chain.</source>
        <translation>请说明原因（客户来电、录入错误……），会记入信任链。</translation>
    </message>
</context>
<context>
    <name>FileDialog</name>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
</context>
<context>
    <name>FilterPanel</name>
    <message>
        <source>Search order no., buyer, phone, tracking no.</source>
        <translation>搜索订单号、买家、电话、运单号</translation>
    </message>
    <message>
        <source>All orders</source>
        <translation>全部订单</translation>
    </message>
    <message>
        <source>Stale (no update for too long)</source>
        <translation>超时未更新</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Created between</source>
        <translation>下单日期</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>到</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import %s</source>
        <translation>导入 %s</translation>
    </message>
    <message>
        <source>Reading and checking %s…</source>
        <translation>正在读取并检查 %s…</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Channel order no.</source>
        <translation>渠道订单号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Buyer</source>
        <translation>买家</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>商品明细</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>From the file</source>
        <translation>文件中的值</translation>
    </message>
    <message>
        <source>Not applied</source>
        <translation>未应用</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>New orders</source>
        <translation>新订单</translation>
    </message>
    <message>
        <source>Updates</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Skip the rows with problems</source>
        <translation>跳过有问题的行</translation>
    </message>
    <message>
        <source>Map columns…</source>
        <translation>映射列…</translation>
    </message>
    <message>
        <source>Build a profile for a channel this app does not know yet</source>
        <translation>为尚未支持的渠道建立导入方案</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>检查</translation>
    </message>
    <message>
        <source>Importing</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>%s — %s (header on row %s): %s orders. Will create %s, update %s; %s unchanged, %s refused, %s problems.</source>
        <translation>%s — %s（表头在第 %s 行）：%s 单。将新建 %s 单、更新 %s 单；%s 单无变化，%s 单被拒绝，%s 个问题。</translation>
    </message>
    <message>
        <source>Importing… (one transaction: cancel leaves everything as it was)</source>
        <translation>正在导入…（单一事务：取消后数据保持原样）</translation>
    </message>
    <message>
        <source>Imported: created %s, updated %s, unchanged %s, refused %s.</source>
        <translation>导入完成：新建 %s，更新 %s，无变化 %s，拒绝 %s。</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Shop Orders 订单台 — %s</source>
        <translation>订单台 Shop Orders — %s</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>&amp;Import orders…</source>
        <translation>导入订单(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Export to Excel…</source>
        <translation>导出 Excel(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Back up database…</source>
        <translation>备份数据库(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Restore from backup…</source>
        <translation>从备份恢复(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Copy rows</source>
        <translation>复制行(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Show &amp;stale orders</source>
        <translation>显示超时订单(&amp;S)</translation>
    </message>
    <message>
        <source>Change &amp;status…</source>
        <translation>修改状态(&amp;S)…</translation>
    </message>
    <message>
        <source>Record &amp;payment…</source>
        <translation>登记付款(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Edit recipient, phone, address…</source>
        <translation>修改收货人、电话、地址(&amp;E)…</translation>
    </message>
    <message>
        <source>Show &amp;details</source>
        <translation>显示详情(&amp;D)</translation>
    </message>
    <message>
        <source>Last order</source>
        <translation>最后一单</translation>
    </message>
    <message>
        <source>First order</source>
        <translation>第一单</translation>
    </message>
    <message>
        <source>&amp;About Shop Orders</source>
        <translation>关于订单台(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Verify trail…</source>
        <translation>校验审计记录(&amp;V)…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Order</source>
        <translation>订单(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Database: %s</source>
        <translation>数据库：%s</translation>
    </message>
    <message>
        <source>Show only the orders with no update for too long</source>
        <translation>只显示超时未更新的订单</translation>
    </message>
    <message>
        <source>%s orders shown</source>
        <translation>显示 %s 单</translation>
    </message>
    <message>
        <source>%s of %s orders</source>
        <translation>%s / %s 单</translation>
    </message>
    <message>
        <source>⚑ %s stale</source>
        <translation>⚑ %s 单超时</translation>
    </message>
    <message>
        <source>Copied %s rows</source>
        <translation>已复制 %s 行</translation>
    </message>
    <message>
        <source>Changed meanwhile</source>
        <translation>订单已被他人修改</translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation>未修改</translation>
    </message>
    <message>
        <source>Import a channel's order export</source>
        <translation>导入渠道订单导出文件</translation>
    </message>
    <message>
        <source>Order exports (*.xlsx *.xlsm *.xls *.csv *.tsv *.txt);;All files (*)</source>
        <translation>订单导出文件 (*.xlsx *.xlsm *.xls *.csv *.tsv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export to Excel</source>
        <translation>导出 Excel</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting orders…</source>
        <translation>正在导出订单…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Exported %s orders to %s</source>
        <translation>已导出 %s 单到 %s</translation>
    </message>
    <message>
        <source>Export stopped</source>
        <translation>导出已停止</translation>
    </message>
    <message>
        <source>Back up database</source>
        <translation>备份数据库</translation>
    </message>
    <message>
        <source>Shop Orders backup (*.sqlite3)</source>
        <translation>订单台备份 (*.sqlite3)</translation>
    </message>
    <message>
        <source>Backing up and checking the copy…</source>
        <translation>正在备份并校验副本…</translation>
    </message>
    <message>
        <source>Backup written and checked: %s</source>
        <translation>备份已写入并校验：%s</translation>
    </message>
    <message>
        <source>Backup failed</source>
        <translation>备份失败</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Replace everything in the store with the backup %s? The current store is kept as a copy in %s first, so nothing is lost.</source>
        <translation>用备份 %s 替换数据库中的全部内容？当前数据库会先在 %s 中保留一份副本，不会丢失任何数据。</translation>
    </message>
    <message>
        <source>Checking the backup…</source>
        <translation>正在校验备份…</translation>
    </message>
    <message>
        <source>Waiting for %s other seat(s) to close: %s</source>
        <translation>正在等待其他 %s 个席位关闭：%s</translation>
    </message>
    <message>
        <source>Replacing the store's content with the backup…</source>
        <translation>正在用备份替换数据库内容…</translation>
    </message>
    <message>
        <source>Restored %s orders from %s.</source>
        <translation>已恢复 %s 个订单（来自 %s）。</translation>
    </message>
    <message>
        <source>The backup was restored; the replaced store was kept as %s.</source>
        <translation>备份已恢复；被替换的数据库已保留为 %s。</translation>
    </message>
    <message>
        <source>The backup was restored; the replaced store failed its checks (%s) and was kept as %s for investigation.</source>
        <translation>备份已恢复；被替换的数据库未通过校验（%s），已保留为 %s 以供调查。</translation>
    </message>
    <message>
        <source>The restore was cancelled; nothing was replaced.</source>
        <translation>已取消恢复，未替换任何内容。</translation>
    </message>
    <message>
        <source>Restore failed</source>
        <translation>恢复失败</translation>
    </message>
    <message>
        <source>Checking the audit trail…</source>
        <translation>正在校验审计记录…</translation>
    </message>
    <message>
        <source>Checking the audit chain…</source>
        <translation>正在校验审计哈希链…</translation>
    </message>
    <message>
        <source>Comparing every order with its audit trail…</source>
        <translation>正在逐单比对订单与审计记录…</translation>
    </message>
    <message>
        <source>Verify trail</source>
        <translation>校验审计记录</translation>
    </message>
    <message>
        <source>The audit trail is intact: %s events and %s orders checked.</source>
        <translation>审计记录完好：已校验 %s 条记录、%s 个订单。</translation>
    </message>
    <message>
        <source>The audit trail check failed: %s</source>
        <translation>审计记录校验未通过：%s</translation>
    </message>
    <message>
        <source>The check of the audit trail was cancelled.</source>
        <translation>已取消审计记录校验。</translation>
    </message>
    <message>
        <source>About Shop Orders</source>
        <translation>关于订单台</translation>
    </message>
    <message>
        <source>Shop Orders (订单台) %s
Every channel's orders in one place.
Database: %s</source>
        <translation>订单台 (Shop Orders) %s
所有渠道的订单，一处管理。
数据库：%s</translation>
    </message>
</context>
<context>
    <name>MappingDialog</name>
    <message>
        <source>Map the columns of %s</source>
        <translation>映射 %s 的列</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>方案名称</translation>
    </message>
    <message>
        <source>Currency when the file has none</source>
        <translation>文件未写币种时使用</translation>
    </message>
    <message>
        <source>Columns in the file (drag onto a field)</source>
        <translation>文件中的列（拖到字段上）</translation>
    </message>
    <message>
        <source>(not in the file)</source>
        <translation>（文件中没有）</translation>
    </message>
    <message>
        <source>Status in the file</source>
        <translation>文件中的状态</translation>
    </message>
    <message>
        <source>Standard status</source>
        <translation>标准状态</translation>
    </message>
    <message>
        <source>Status words</source>
        <translation>状态词</translation>
    </message>
    <message>
        <source>Channel order no.</source>
        <translation>渠道订单号</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>下单时间</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Buyer</source>
        <translation>买家</translation>
    </message>
    <message>
        <source>Channel order no. (required)</source>
        <translation>渠道订单号（必填）</translation>
    </message>
    <message>
        <source>Order time</source>
        <translation>下单时间</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>收货人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <source>Order total</source>
        <translation>订单金额</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已付</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <source>Tracking no.</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>Province / country</source>
        <translation>省 / 国家</translation>
    </message>
    <message>
        <source>City</source>
        <translation>市</translation>
    </message>
    <message>
        <source>District / postcode</source>
        <translation>区 / 邮编</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Choose the column that holds the channel order number.</source>
        <translation>请选择渠道订单号所在的列。</translation>
    </message>
    <message>
        <source>%s orders read from the first 500 rows, %s problems.</source>
        <translation>前 500 行读出 %s 单，%s 个问题。</translation>
    </message>
</context>
<context>
    <name>OrderTableModel</name>
    <message>
        <source>Order</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>Channel order no.</source>
        <translation>渠道订单号</translation>
    </message>
    <message>
        <source>Buyer</source>
        <translation>买家</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>金额</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>已付</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Courier</source>
        <translation>快递公司</translation>
    </message>
    <message>
        <source>Tracking no.</source>
        <translation>运单号</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>下单时间</translation>
    </message>
    <message>
        <source>Last update</source>
        <translation>最后更新</translation>
    </message>
    <message>
        <source>No update for %s: past the %s h threshold</source>
        <translation>已 %s 未更新：超过 %s 小时阈值</translation>
    </message>
    <message>
        <source>No update for %s: nearing the %s h threshold</source>
        <translation>已 %s 未更新：接近 %s 小时阈值</translation>
    </message>
    <message>
        <source>(could not load)</source>
        <translation>（无法加载）</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Record a payment for %s</source>
        <translation>登记 %s 的付款</translation>
    </message>
    <message>
        <source>Amount (%s; negative for a refund)</source>
        <translation>金额（%s；退款填负数）</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>流水号</translation>
    </message>
    <message>
        <source>A payment of 0 changes nothing.</source>
        <translation>付款金额为 0，没有变化。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&lt;b&gt;Red flag&lt;/b&gt;: an unfinished order with no update for this long. Amber from two thirds of it. Shared by every seat.</source>
        <translation>&lt;b&gt;红旗&lt;/b&gt;：未完成订单超过此时长未更新。达到三分之二时显示黄旗。所有电脑共用此设置。</translation>
    </message>
    <message>
        <source>Default (hours)</source>
        <translation>默认（小时）</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Language (after restart)</source>
        <translation>界面语言（重启后生效）</translation>
    </message>
    <message>
        <source>%s: whole hours from 1 h to 90 days (2160 h).</source>
        <translation>%s：须为 1 小时到 90 天（2160 小时）之间的整小时数。</translation>
    </message>
</context>
</TS>
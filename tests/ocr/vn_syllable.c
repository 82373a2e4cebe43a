/* tests/ocr/vn_syllable.c — the Vietnamese syllable rules and the correction built on them:
 * every syllable of our own administrative sentences is valid in NFC and NFD, in old and new
 * tone placement; corrupted forms fail; codes are told from words; correction repairs the
 * recognizer's usual slips and leaves good text and codes alone; random bytes never crash.
 * The sentences are also the sample the syllable frequency table (ocr/vn_freq.c) counts:
 * MC_VN_FREQ_DUMP=1 prints the table again. */
#include <stdint.h>

#include "ocr/vn_letters.h"
#include "ocr/vn_text.h"
#include "test.h"

/* Written for motcua: the language of one-stop desks, decisions and forms. */
static const char *const sentences[] = {
	"Ủy ban nhân dân tỉnh Quảng Ngãi quyết định",
	"Cộng hòa xã hội chủ nghĩa Việt Nam",
	"Độc lập - Tự do - Hạnh phúc",
	"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
	"Căn cứ Nghị định số 30/2020/NĐ-CP của Chính phủ về công tác văn thư;",
	"Xét đề nghị của Giám đốc Sở Tư pháp tại Tờ trình số 45/TTr-STP,",
	"Điều 1. Cấp bản sao trích lục khai sinh cho công dân có tên sau đây.",
	"Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
	"Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, ban, ngành và các cá nhân có "
		"liên quan chịu trách nhiệm thi hành quyết định này.",
	"Nơi nhận: như Điều 2; lưu văn thư.",
	"Tiếp nhận hồ sơ và trả kết quả tại bộ phận một cửa.",
	"Người nộp hồ sơ phải xuất trình thẻ căn cước công dân còn hiệu lực.",
	"Thời hạn giải quyết không quá năm ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.",
	"Trường hợp hồ sơ chưa đầy đủ, cán bộ tiếp nhận hướng dẫn người nộp bổ sung một lần.",
	"Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất.",
	"Đơn đề nghị cấp giấy phép xây dựng nhà ở riêng lẻ.",
	"Bản sao được cấp từ sổ gốc có giá trị sử dụng thay cho bản chính.",
	"Chứng thực chữ ký trong các giấy tờ, văn bản.",
	"Đăng ký thường trú, tạm trú và thông báo lưu trú.",
	"Lệ phí được nộp trực tiếp hoặc chuyển khoản vào tài khoản của cơ quan.",
	"Phiếu hẹn trả kết quả ghi rõ ngày, giờ và địa điểm.",
	"Công chức tư pháp - hộ tịch kiểm tra tính hợp lệ của giấy tờ.",
	"Chủ tịch Ủy ban nhân dân xã ký giấy khai sinh và cấp cho người đi đăng ký.",
	"Hội đồng nhân dân huyện thông qua nghị quyết về kế hoạch đầu tư công trung hạn.",
	"Sở Kế hoạch và Đầu tư cấp giấy chứng nhận đăng ký doanh nghiệp.",
	"Mã số thuế của doanh nghiệp đồng thời là mã số doanh nghiệp.",
	"Cục Thuế tỉnh thông báo nộp tiền sử dụng đất.",
	"Kho bạc Nhà nước thu tiền và cấp chứng từ.",
	"Thanh tra tỉnh tiếp công dân định kỳ vào ngày mười lăm hằng tháng.",
	"Giải quyết khiếu nại, tố cáo theo đúng trình tự, thủ tục.",
	"Bảo đảm công khai, minh bạch, thuận tiện cho người dân và doanh nghiệp.",
	"Ứng dụng công nghệ thông tin trong cải cách hành chính.",
	"Số hóa kết quả giải quyết thủ tục hành chính đang còn hiệu lực.",
	"Bản điện tử có giá trị pháp lý như bản giấy.",
	"Chữ ký số của cơ quan, tổ chức được đặt trên văn bản điện tử.",
	"Lưu trữ hồ sơ theo quy định của pháp luật về lưu trữ.",
	"Giữ gìn bản sắc văn hóa dân tộc.",
	"Con đường ngoằn ngoèo dẫn lên núi.",
	"Thuở nhỏ anh ấy sống ở làng quê.",
	"Khuỷu tay bị thương nhẹ.",
	"Cây cối nghiêng ngả sau cơn bão.",
	"Chính sách khuyến khích đầu tư vào nông nghiệp, nông thôn.",
	"Hòa giải ở cơ sở; hoà giải viên.",
	"Công trình thủy lợi, thuỷ điện.",
	"Tháng Giêng năm sau, láng giềng đào giếng.",
	"Người khuyết tật được ưu tiên giải quyết trước.",
	"Trẻ em dưới sáu tuổi được cấp thẻ bảo hiểm y tế miễn phí.",
	"Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng.",
	"Người có công với cách mạng, liệt sĩ, thương binh, bệnh binh.",
	"Hợp đồng mua bán, chuyển nhượng, tặng cho quyền sử dụng đất.",
	"Văn phòng công chứng chứng nhận hợp đồng.",
	"Phòng Tài nguyên và Môi trường thẩm định hồ sơ.",
	"Biên bản kiểm tra hiện trạng sử dụng đất.",
	"Quyết định xử phạt vi phạm hành chính.",
	"Đề nghị ông, bà liên hệ để nhận kết quả.",
	"Mọi thắc mắc xin gọi đường dây nóng.",
	"Ý kiến đóng góp xin gửi về hộp thư điện tử.",
	"Tuyệt đối không thu thêm bất kỳ khoản phí nào ngoài quy định.",
	"Khi cần thiết, cơ quan có thể yêu cầu xác minh.",
	"Yêu cầu bổ sung giấy tờ phải được thông báo bằng văn bản.",
	"Quốc hội ban hành luật; Chính phủ ban hành nghị định.",
	"Huyện, thị xã, thành phố thuộc tỉnh; phường, xã, thị trấn.",
	"Nguyễn Văn An, Trần Thị Bích, Lê Hoàng Phúc, Phạm Quỳnh Anh, Võ Thị Tuyết.",
	"Huỳnh Quốc Khánh, Đặng Thùy Dương, Bùi Xuân Trường, Đỗ Minh Quân, Hồ Thị Thu Hằng.",
	"Ngô Gia Huy, Dương Khắc Việt, Lý Thị Kiều Oanh, Vũ Ngọc Yến, Phan Thanh Tùng.",
	"Hà Nội, Hải Phòng, Đà Nẵng, Thành phố Hồ Chí Minh, Cần Thơ, Bình Định, Khánh Hòa.",
	"Thừa Thiên Huế, Nghệ An, Thanh Hóa, Quảng Ninh, Bắc Giang, Lạng Sơn, Tuyên Quang.",
	"Yên Bái, Điện Biên, Sóc Trăng, Bến Tre, Cà Mau, Kiên Giang, An Giang, Vĩnh Long.",
	"Tây Ninh, Bình Dương, Đồng Nai, Lâm Đồng, Gia Lai, Phú Yên, Hậu Giang, Trà Vinh.",
	"Giám đốc, Phó Giám đốc, Trưởng phòng, Phó Trưởng phòng, chuyên viên.",
	"Kính gửi: Ủy ban nhân dân các huyện, thị xã, thành phố.",
	"Thực hiện chỉ đạo của Thủ tướng Chính phủ, Sở Nội vụ báo cáo như sau.",
	"Báo cáo kết quả thực hiện nhiệm vụ quý một và phương hướng quý hai.",
	"Tổng hợp số liệu gửi về trước ngày hai mươi hằng tháng.",
	"Đề xuất phương án xử lý đối với các trường hợp tồn đọng.",
	"Nghiêm cấm lợi dụng chức vụ, quyền hạn để nhũng nhiễu người dân.",
	"Cán bộ, công chức, viên chức phải có thái độ lịch sự, tôn trọng.",
	"Khuya rồi mà phòng một cửa vẫn còn sáng đèn.",
	"Chuyện gì cũng phải suy nghĩ kỹ trước khi viết.",
	"Quyền và nghĩa vụ của công dân được pháp luật bảo vệ.",
	"Bếp ăn có xoong nồi sạch sẽ.",
	"Tiếng huýt còi vang lên, em bé huơ tay.",
	"Không được khuếch đại thông tin, tránh huênh hoang.",
	"Con hoẵng chạy vào rừng, dáng loắt choắt.",
	"Quét dọn sạch sẽ, quen biết người quê quán ở đây.",
	"Ngoại trừ trường hợp bất khả kháng, ngoài giờ hành chính không tiếp nhận.",
	"Nhiệm kỳ, kỷ luật, kỹ thuật, kiểm soát, ghi chép, nghe nhìn, nghỉ phép.",
	"Gạo, muối, dầu ăn; uống nước nhớ nguồn; rượu bia; cướp giật; giường bệnh; mượn.",
	"Bưu điện chuyển phát hồ sơ; hưu trí; cứu trợ; ưu đãi.",
	"Khoảng cách, hoạch định, xoáy nước, hoài bão, ngoáy.",
	"Uyên bác, uy tín, yêu cầu, yên tâm, yết thị.",
	"Tuần này, quần chúng, luận văn, khuấy động, bâng khuâng.",
	"Thuế, Huế, trí tuệ.",
	"Quỳnh, Huỳnh, huynh đệ, quýt, huých.",
	"Tờ khai, ảnh chân dung, ấp, ắt hẳn.",
	"Gì, gìn, giếng, giữa, giường, giấy, giặt, gió.",
	"Ở, ủy, ý, ê, oai, uể oải.",
	"Quăng quật, quằn quại, quấy rối, quẹo trái.",
	"Giấy xác nhận tình trạng hôn nhân; trích lục kết hôn; cải chính hộ tịch.",
	"Thông báo về việc thu hồi đất để thực hiện dự án.",
	"Người được ủy quyền phải mang theo giấy ủy quyền có chứng thực.",
	"Bồi thường, hỗ trợ và tái định cư khi Nhà nước thu hồi đất.",
	"Phiếu lý lịch tư pháp số 1 và số 2.",
	"Cơ quan thuế kiểm tra, đối chiếu thông tin người nộp thuế.",
	"Thuỳ, Thùy, khoẻ mạnh, khỏe mạnh, loà xoà, lòa xòa.",
	"Kế hoạch chuyển đổi số năm nay tập trung vào ba trụ cột: chính quyền số, kinh tế số "
		"và xã hội số.",
	"Hạ tầng số được đầu tư đồng bộ, kết nối thông suốt từ tỉnh đến cấp xã.",
	"Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ trực tuyến và trực tiếp.",
	"Dịch vụ công trực tuyến toàn trình giúp người dân không phải đi lại nhiều lần.",
	"Cơ sở dữ liệu quốc gia về dân cư được kết nối, chia sẻ với các hệ thống thông tin.",
	"Theo dõi, đôn đốc việc thực hiện các nhiệm vụ được giao đúng thời gian quy định.",
	"Bảo đảm an toàn, an ninh thông tin mạng theo mô hình bốn lớp.",
	"Đào tạo, bồi dưỡng nâng cao năng lực cho đội ngũ cán bộ làm công tác chuyển đổi số.",
	"Tuyên truyền, nâng cao nhận thức của người dân về lợi ích của chuyển đổi số.",
	"Thanh toán không dùng tiền mặt đối với phí, lệ phí và các khoản thu khác.",
	"Triển khai nền tảng số dùng chung, bảo đảm tiết kiệm và hiệu quả.",
	"Mục tiêu đến cuối năm, tỷ lệ hồ sơ được số hóa đạt trên tám mươi phần trăm.",
	"Tình hình kinh tế, xã hội của địa phương tiếp tục phát triển ổn định.",
	"Các sở, ngành chủ động phối hợp với Ủy ban nhân dân cấp huyện để tổ chức thực hiện.",
	"Đánh giá, xếp loại mức độ hoàn thành nhiệm vụ của cơ quan, đơn vị.",
	"Giao Sở Thông tin và Truyền thông chủ trì, hướng dẫn và kiểm tra.",
	"Nguồn kinh phí thực hiện từ ngân sách nhà nước và các nguồn vốn hợp pháp khác.",
	"Rà soát, cắt giảm thành phần hồ sơ, rút ngắn thời gian giải quyết.",
	"Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh vận hành ổn định.",
	"Thư điện tử công vụ, văn bản điện tử và chữ ký số được sử dụng rộng rãi.",
	"Doanh nghiệp công nghệ số tham gia cung cấp giải pháp cho nông nghiệp thông minh.",
	"Những khó khăn, vướng mắc cần được tháo gỡ kịp thời.",
	"Một số chỉ tiêu chưa đạt do nguồn lực còn hạn chế.",
	"Đề nghị Bộ xem xét, hỗ trợ kinh phí và hướng dẫn chuyên môn.",
	"Học viện, viện nghiên cứu và trường đại học phối hợp đào tạo nguồn nhân lực.",
	"Nhãn hiệu hàng hóa, chỉ dẫn địa lý của sản phẩm nông sản được bảo hộ.",
	"Phần mềm quản lý văn bản và điều hành được triển khai ở tất cả các cơ quan.",
	"Cổng thông tin điện tử của tỉnh cập nhật tin tức thường xuyên.",
	"Họp trực tuyến giữa tỉnh với các huyện, thị xã, thành phố được duy trì.",
	"Báo chí, phát thanh, truyền hình đưa tin về kết quả đạt được.",
	"Thiết bị giám sát giao thông được lắp đặt tại các nút giao quan trọng.",
	"Xây dựng kho dữ liệu dùng chung, khai thác hiệu quả tài nguyên số.",
	"Người dân được hướng dẫn cài đặt và sử dụng ứng dụng trên điện thoại thông minh.",
	"Tổ công nghệ số cộng đồng hỗ trợ người dân ở thôn, tổ dân phố.",
	"Việc ứng dụng trí tuệ nhân tạo bước đầu được thử nghiệm.",
	"Các chỉ số đánh giá cải cách hành chính năm sau cao hơn năm trước.",
	"Công văn gửi kèm danh sách, biểu mẫu và phụ lục chi tiết.",
	"Tăng cường kỷ luật, kỷ cương hành chính; nâng cao chất lượng phục vụ.",
	"Phấn đấu hoàn thành các chỉ tiêu, nhiệm vụ đã đề ra trong năm.",
	"Quy chế hoạt động của tổ công tác được ban hành kèm theo quyết định này.",
	"Giữ nguyên hiện trạng, không được tự ý thay đổi mục đích sử dụng đất.",
	"Lập danh mục cơ sở dữ liệu, xác định rõ đơn vị chủ quản và thời hạn hoàn thành.",
	"Tiêu chí, thang điểm và phương pháp đánh giá được công bố công khai.",
	"Kiểm tra, giám sát việc thực hiện; kịp thời chấn chỉnh sai sót.",
	"Sở Y tế, Sở Giáo dục và Đào tạo, Sở Lao động - Thương binh và Xã hội.",
	"Bệnh viện đa khoa tỉnh triển khai bệnh án điện tử và khám bệnh từ xa.",
	"Học sinh, sinh viên được tiếp cận học liệu số miễn phí.",
	"Thực trạng hạ tầng mạng viễn thông ở vùng sâu, vùng xa còn nhiều hạn chế.",
	"Sáng kiến, mô hình hay cần được nhân rộng trong thời gian tới.",
	"Trên địa bàn tỉnh, các ngành bàn bạc và thống nhất giải pháp tháo gỡ.",
	"Hồ sơ tồn đọng trên địa bàn huyện được kiểm tra, xử lý dứt điểm.",
	"Phân công, phân cấp rõ ràng; phân loại hồ sơ theo lĩnh vực.",
	"Tiếp tục đẩy mạnh cải cách, nâng cao chỉ số hài lòng của người dân.",
	"Ban hành văn bản hướng dẫn, tổ chức tập huấn cho cán bộ cơ sở.",
	"Kinh phí bảo đảm cho hoạt động được bố trí trong dự toán hằng năm.",
	"Cần quan tâm hơn nữa đến chất lượng, không chạy theo số lượng.",
	"Ủy ban Mặt trận Tổ quốc, Đoàn Thanh niên, Hội Phụ nữ, Hội Nông dân, Hội Cựu chiến binh.",
	"Thủ trưởng cơ quan chịu trách nhiệm trước pháp luật về quyết định của mình.",
	"Sau khi nhận được ý kiến, cơ quan soạn thảo tiếp thu, giải trình và hoàn chỉnh dự thảo.",
	"Thời điểm tính tiền thuê đất là ngày ký hợp đồng.",
	"Diện tích đất nông nghiệp, đất ở, đất rừng sản xuất và rừng phòng hộ.",
	"Đường giao thông nông thôn, kênh mương nội đồng, trường học, trạm y tế.",
	"Hộ nghèo, hộ cận nghèo được hỗ trợ vay vốn ưu đãi để phát triển sản xuất.",
	"Phòng chống thiên tai, tìm kiếm cứu nạn; khắc phục hậu quả mưa lũ.",
	"Bảo vệ môi trường, xử lý rác thải, nước thải sinh hoạt.",
	"Giá trị sản xuất công nghiệp tăng so với cùng kỳ năm trước.",
	"Thu ngân sách trên địa bàn vượt dự toán; chi thường xuyên tiết kiệm.",
	"Lực lượng công an, quân sự, biên phòng phối hợp giữ vững an ninh trật tự.",
	"Phát huy vai trò giám sát của nhân dân và các đoàn thể.",
	"Đất nước ta đang trong thời kỳ đổi mới, hội nhập quốc tế sâu rộng.",
	"Sản phẩm chủ lực của tỉnh gồm đường mía, thủy sản, lâm sản và hàng may mặc.",
	"Lễ hội truyền thống, di tích lịch sử và danh lam thắng cảnh được bảo tồn.",
	"Ngành giáo dục chú trọng đổi mới chương trình, sách giáo khoa.",
	"Tiêm chủng mở rộng, chăm sóc sức khỏe bà mẹ và trẻ em.",
	"Văn bản này thay thế văn bản trước đây; những quy định trái với văn bản này bị bãi bỏ.",
	"Phó Chủ tịch Thường trực, các Phó Chủ tịch và Ủy viên Ủy ban nhân dân.",
	"Ngày, tháng, năm sinh; giới tính; quốc tịch; dân tộc; tôn giáo; quê quán; nơi thường trú.",
	"Họ, chữ đệm và tên khai sinh; số định danh cá nhân; ngày cấp; nơi cấp.",
	"Công dân đủ mười bốn tuổi trở lên được cấp thẻ căn cước.",
	"Khi thay đổi thông tin, công dân làm thủ tục cấp đổi, cấp lại thẻ.",
	"Mức thu, chế độ thu, nộp, quản lý và sử dụng lệ phí.",
	"Biểu mẫu, tờ khai được đăng tải trên cổng dịch vụ công.",
	"Trường hợp ủy quyền thì người được ủy quyền xuất trình văn bản ủy quyền.",
	"Ban Thường vụ Tỉnh ủy, Ban Chấp hành Đảng bộ tỉnh; Bí thư Huyện ủy, đảng viên.",
	"Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ mới đề ra các khâu đột phá.",
	"Giai đoạn đầu, từng đoạn đường được nâng cấp; đoạn còn lại làm tiếp.",
	"Đoàn kiểm tra làm việc với lãnh đạo các phòng, ban chuyên môn.",
	"Nhu cầu của người dân về nhà ở tại khu đô thị mới ngày càng lớn.",
	"Quy hoạch chung đô thị, quy hoạch phân khu và quy hoạch chi tiết xây dựng.",
	"Mức độ hài lòng, tốc độ tăng trưởng, trình độ chuyên môn đều được nâng lên.",
	"Hàng năm, ngân sách dành một phần để hỗ trợ các xã khó khăn, vùng đồng bào dân tộc "
		"thiểu số và miền núi.",
	"Ông bà, cha mẹ, vợ chồng, con cái, anh chị em ruột được ghi trong sổ hộ khẩu cũ.",
	"Nhà văn hóa thôn, sân thể thao, chợ nông thôn và bến xe được sửa chữa.",
	"Trời mưa to, nước sông lên nhanh, đê bao bị sạt lở một đoạn ngắn.",
	"Lúa, ngô, khoai, sắn, rau màu, cây ăn quả và chăn nuôi gia súc, gia cầm.",
	"Tàu thuyền đánh bắt xa bờ, cảng cá, khu neo đậu tránh trú bão.",
	"Doanh thu du lịch, lượng khách lưu trú, nhà hàng, khách sạn tăng khá.",
	"Giá cả thị trường ổn định, không có hiện tượng đầu cơ, găm hàng.",
	"Vụ việc phức tạp, kéo dài được giải quyết dứt điểm, không để phát sinh điểm nóng.",
	"Hồ sơ gồm: đơn, bản sao giấy tờ tùy thân, sơ đồ thửa đất và biên lai nộp phí.",
	"Mỗi người chỉ được đăng ký một nơi thường trú; khi chuyển đi phải xóa đăng ký.",
	"Con dấu, chữ ký của người có thẩm quyền phải rõ ràng, không tẩy xóa, sửa chữa.",
	"Cấp mới, cấp lại, gia hạn, điều chỉnh, thu hồi giấy phép theo quy định.",
	"Bảng lương, phụ cấp, nâng bậc, nghỉ hưu, thôi việc của công chức, viên chức.",
	"Tuyển dụng, sử dụng, quản lý, đánh giá, khen thưởng và kỷ luật cán bộ.",
	"Khen thưởng kịp thời những tập thể, cá nhân có thành tích xuất sắc.",
	"Tin nhắn, cuộc gọi, thư điện tử và mạng xã hội là kênh tiếp nhận phản ánh.",
	"Phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính được trả lời công khai.",
	"Dân số trung bình, mật độ dân số, tỷ lệ sinh, tỷ lệ tử, tuổi thọ bình quân.",
	"Mỗi tuần một lần, lãnh đạo trực tiếp đối thoại với người dân tại trụ sở.",
	"Chậm nhất sau ba ngày, bộ phận chuyên môn phải có văn bản trả lời.",
	"Tiền sử dụng đất, tiền thuê đất, thuế sử dụng đất phi nông nghiệp.",
	"Vốn đầu tư công giải ngân chậm do vướng mặt bằng, thiếu vật liệu.",
	"Xã đạt chuẩn nông thôn mới nâng cao, thôn kiểu mẫu, vườn mẫu.",
	"Nước sạch, điện lưới, sóng điện thoại đã về tận thôn, bản.",
	"Khu công nghiệp, cụm công nghiệp thu hút nhiều lao động địa phương.",
	"Hộ kinh doanh, hợp tác xã, tổ hợp tác được hướng dẫn đăng ký thuế.",
	"Xử lý nghiêm các trường hợp vi phạm, không có vùng cấm, không có ngoại lệ.",
	"Chúng tôi cam đoan những lời khai trên là đúng sự thật, nếu sai xin chịu trách nhiệm.",
	"Người làm đơn ký và ghi rõ họ tên; người viết hộ ghi rõ lý do.",
	"Các bên thống nhất ký biên bản, mỗi bên giữ một bản có giá trị như nhau.",
	"Hiệu lực thi hành kể từ ngày ký ban hành; bãi bỏ các văn bản trước đây trái với "
		"quyết định này.",
};

/* ---- helpers ---------------------------------------------------------------------------- */

/* Calls fn for each space-separated token of s. */
static void each_token(const char *s, void (*fn)(const char *tok, size_t len, void *p), void *p)
{
	while (*s) {
		size_t len;

		while (*s == ' ')
			s++;
		len = strcspn(s, " ");
		if (len)
			fn(s, len, p);
		s += len;
	}
}

static bool valid(const char *s)
{
	return mc_vn_syllable_valid(s, strlen(s));
}

static bool code(const char *s)
{
	return mc_vn_token_is_code(s, strlen(s));
}

/* The NFD form of an NFC token: base letter, then hat/breve/horn, then the tone. */
static void to_nfd(char *out, size_t outsz, const char *s, size_t len)
{
	static const uint32_t tone_mark[6] = { 0, 0x300, 0x301, 0x309, 0x303, 0x323 };
	size_t i = 0, o = 0;

	while (i < len && o + 12 < outsz) {
		size_t at = i;
		uint32_t cp = vn_utf8_next(s, len, &i);
		vn_letter l;

		if (cp == VN_NONE || !vn_letter_of(cp, &l) || l.base == 0x111) {
			memcpy(out + o, s + at, i - at);
			o += i - at;
			continue;
		}
		o += vn_utf8_put(out + o, (uint32_t)(l.upper ? vn_base_plain(l.base) - 32 :
			vn_base_plain(l.base)));
		if (l.base == 0xE2 || l.base == 0xEA || l.base == 0xF4)
			o += vn_utf8_put(out + o, 0x302);
		else if (l.base == 0x103)
			o += vn_utf8_put(out + o, 0x306);
		else if (l.base == 0x1A1 || l.base == 0x1B0)
			o += vn_utf8_put(out + o, 0x31B);
		for (int t = 1; t < 6; t++)
			if (l.tones & (1u << t))
				o += vn_utf8_put(out + o, tone_mark[t]);
	}
	out[o] = '\0';
}

static void check_valid_token(const char *tok, size_t len, void *p)
{
	char nfd[256];

	(void)p;
	if (mc_vn_token_is_code(tok, len))
		return;
	if (!mc_vn_syllable_valid(tok, len)) {
		test_failures++;
		fprintf(stderr, "%s: \"%.*s\" is not taken for a syllable\n", test_current,
			(int)len, tok);
	}
	to_nfd(nfd, sizeof(nfd), tok, len);
	if (!mc_vn_syllable_valid(nfd, strlen(nfd))) {
		test_failures++;
		fprintf(stderr, "%s: NFD \"%s\" is not taken for a syllable\n", test_current, nfd);
	}
}

/* A word as the recognizer gives it. */
static mc_ocr_word word(const char *text, float conf)
{
	mc_ocr_word w;

	memset(&w, 0, sizeof(w));
	w.text = strdup(text);
	w.conf = conf;
	return w;
}

static void word_alt(mc_ocr_word *w, const char *text, float conf)
{
	w->alts = realloc(w->alts, (w->n_alts + 1) * sizeof(*w->alts));
	w->alts[w->n_alts].text = strdup(text);
	w->alts[w->n_alts].conf = conf;
	w->n_alts++;
}

static void word_free(mc_ocr_word *w)
{
	for (size_t j = 0; j < w->n_alts; j++)
		free(w->alts[j].text);
	free(w->alts);
	free(w->text);
}

/* The text one word becomes after correction, with at most one alternative. */
static char *corrected(const char *text, float conf, const char *alt)
{
	mc_ocr_word w = word(text, conf);
	char *out;

	if (alt)
		word_alt(&w, alt, conf - 10);
	mc_vn_correct_words(&w, 1);
	out = strdup(w.text);
	word_free(&w);
	return out;
}

#define CHECK_CORRECTED(text, conf, alt, want) do { \
	char *got_ = corrected((text), (conf), (alt)); \
	CHECK_STR(got_, (want)); \
	free(got_); \
} while (0)

/* ---- the rules -------------------------------------------------------------------------- */

static void test_every_syllable_of_the_sentences_is_valid_in_nfc_and_nfd(void)
{
	for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++)
		each_token(sentences[i], check_valid_token, NULL);
}

static void test_the_words_of_the_brief(void)
{
	const char *const good[] = {
		"nghiêng", "khuyến", "quyết", "giữ", "gìn", "ngoằn", "ngoèo", "thuở", "khuỷu",
		"hoà", "hòa", "thuỷ", "thủy", "ấp", "Ủy", "UỶ", "QUYẾT", "ĐỊNH", "(Quảng", "Ngãi,",
		"“Việt”", "phúc.", "giếng", "quốc", "khuya", "xoong", "huynh", "oai", "yêu", "ưu",
		"a", "ý", "gì",
	};
	const char *const bad[] = {
		"ngiêng", "kuyết", "hóá", "ăi", "ầp", "gịa", "qúa", "cy", "ghà", "nghà", "kà",
		"coa", "ơng", "êng", "iêu", "tyên", "hòan", "giy", "qoa", "quo", "bx", "ng", "Đắk",
		"Kon", "sign", "form", "Phúc1", "Hồ-Chí", "", "...", "ăn̂", "ðồng", "Ðà",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!valid(good[i])) {
			test_failures++;
			fprintf(stderr, "%s: \"%s\" should be valid\n", test_current, good[i]);
		}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (valid(bad[i])) {
			test_failures++;
			fprintf(stderr, "%s: \"%s\" should be invalid\n", test_current, bad[i]);
		}
}

static void test_latin_words_pass_only_when_they_fit_the_structure(void)
{
	/* documented in vn_text.h: "the" is also Vietnamese (gauze), "form" cannot be */
	CHECK(valid("the"));
	CHECK(valid("to"));
	CHECK(!valid("form"));
	CHECK(!valid("online"));
	CHECK(!valid("test"));      /* -t needs sắc or nặng */
}

static void test_stop_finals_take_only_sac_or_nang(void)
{
	CHECK(valid("ấp") && valid("ập"));
	CHECK(!valid("ầp") && !valid("ẩp") && !valid("ẫp") && !valid("âp"));
	CHECK(valid("sách") && valid("việc") && !valid("sàch") && !valid("việc\xCC\x80"));
	CHECK(!valid("quyêt") && !valid("Viêt"));
	CHECK(valid("anh") && valid("ảnh"));    /* -nh is not a stop */
}

static void test_tone_goes_on_the_right_vowel(void)
{
	CHECK(valid("người") && !valid("ngừơi"));
	CHECK(valid("mua") && valid("múa") && !valid("muá"));
	CHECK(valid("khỏe") && valid("khoẻ"));
	CHECK(valid("quá") && !valid("qúa"));
	CHECK(valid("hoàn") && !valid("hòan"));
	CHECK(valid("ngoài") && !valid("ngòai") && !valid("ngoaì"));
	CHECK(valid("rượu") && !valid("rựou"));
	CHECK(valid("thuế") && !valid("thúê"));
	CHECK(valid("già") && !valid("gìa"));
}

static void test_nfd_marks_in_any_order_and_mixed_forms(void)
{
	/* ậ written a + dot below + circumflex (canonical order) and the other way round */
	CHECK(valid("la\xCC\xA3\xCC\x82p"));
	CHECK(valid("la\xCC\x82\xCC\xA3p"));
	/* precomposed ê with a combining acute: "viết" half-composed */
	CHECK(valid("vi\xC3\xAA\xCC\x81t"));
	/* two tones through combining marks */
	CHECK(!valid("la\xCC\x81\xCC\x80"));
	/* a mark no Vietnamese letter carries: i with circumflex */
	CHECK(!valid("ti\xCC\x82n"));
	/* a combining mark with nothing before it */
	CHECK(!valid("\xCC\x81" "an"));
}

static void test_codes_are_told_from_words(void)
{
	const char *const codes[] = {
		"123/QĐ-UBND", "45/2024/NQ-HĐND,", "05/03/2024", "2024", "0101234567-001",
		"UBND", "HĐND", "CCCD", "TNHH", "abc@so.gov.vn", "---", "-", "TP.HCM", "v/v",
		"Zalo", "iPhone", "b)", "II", "IV", "https://dichvucong.gov.vn", "12,5%",
		/* the English of a bilingual card: no marks make Vietnamese of it */
		"Personal", "identification", "number:", "of", "expiry:", "Sex:", "(Datacenter)",
	};
	const char *const words[] = {
		"QUYẾT", "QUYÊT", "Nguyễn", "ĐỊNH", "ngiêng", "a", "A", "Ủy", "BAN", "nhân",
		"XÃ", "Việt", "(Quảng",
		/* marks lost, or Latin that fits the structure: words, for the gate to count */
		"NGUYEN", "quyet", "SOC", "the", "No.", "Nam",
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (!code(codes[i])) {
			test_failures++;
			fprintf(stderr, "%s: \"%s\" should be a code\n", test_current, codes[i]);
		}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (code(words[i])) {
			test_failures++;
			fprintf(stderr, "%s: \"%s\" should be a word\n", test_current, words[i]);
		}
}

static void test_valid_share_counts_words_not_codes(void)
{
	mc_ocr_word w[6];

	w[0] = word("Quyết", 90);
	w[1] = word("định", 90);
	w[2] = word("123/QĐ-UBND", 90);
	w[3] = word("ngiêng", 90);
	w[4] = word("2024", 90);
	w[5] = word("UBND", 90);
	CHECK(mc_vn_valid_share(w, 6) > 0.66 && mc_vn_valid_share(w, 6) < 0.67);
	CHECK(mc_vn_valid_share(w, 0) == 0);
	CHECK(mc_vn_valid_share(w + 4, 2) == 0);        /* codes only */
	CHECK(mc_vn_valid_share(NULL, 3) == 0);
	for (size_t i = 0; i < 6; i++)
		word_free(&w[i]);
}

/* ---- the frequency table ---------------------------------------------------------------- */

typedef struct {
	char (*syl)[48];
	size_t n, cap;
} counter;

static void count_token(const char *tok, size_t len, void *p)
{
	counter *c = p;
	vn_word w;

	if (mc_vn_token_is_code(tok, len) || vn_word_parse(&w, tok, len, false) < 0 ||
	    !vn_word_valid(&w))
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->syl = realloc(c->syl, c->cap * sizeof(*c->syl));
	}
	vn_word_compose(&w, c->syl[c->n++], true);
}

static int cmp_syl(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_frequency_table_is_sorted_and_counts_the_sentences(void)
{
	counter c = { NULL, 0, 0 };
	const char *prev = NULL, *s;
	unsigned n;
	size_t entries = 0;

	for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++)
		each_token(sentences[i], count_token, &c);
	qsort(c.syl, c.n, sizeof(*c.syl), cmp_syl);
	for (size_t i = 0; (s = vn_freq_entry(i, &n)) != NULL; i++, entries++) {
		CHECK(valid(s));
		CHECK(n > 0);
		if (prev && strcmp(prev, s) >= 0) {
			test_failures++;
			fprintf(stderr, "%s: \"%s\" is not after \"%s\"\n", test_current, s, prev);
		}
		prev = s;
	}
	if (getenv("MC_VN_FREQ_DUMP")) {
		size_t col = 0;

		for (size_t i = 0; i < c.n;) {
			size_t j = i;
			char item[80];
			int len;

			while (j < c.n && strcmp(c.syl[j], c.syl[i]) == 0)
				j++;
			len = snprintf(item, sizeof(item), "{ \"%s\", %zu },", c.syl[i], j - i);
			if (col && col + 1 + (size_t)len > 92) {
				printf("\n");
				col = 0;
			}
			printf("%s%s", col ? " " : "\t", item);
			col += (size_t)len + (col ? 1 : 8);
			i = j;
		}
		printf("\n");
	}
	/* every syllable of the sample is in the table with its count */
	for (size_t i = 0; i < c.n;) {
		size_t j = i;

		while (j < c.n && strcmp(c.syl[j], c.syl[i]) == 0)
			j++;
		if (vn_freq(c.syl[i]) != j - i) {
			test_failures++;
			fprintf(stderr, "%s: \"%s\" counted %zu, table %u (MC_VN_FREQ_DUMP=1)\n",
				test_current, c.syl[i], j - i, vn_freq(c.syl[i]));
		}
		i = j;
	}
	CHECK(entries > 300);
	CHECK(vn_freq("xyz") == 0 && vn_freq("") == 0 && vn_freq(NULL) == 0);
	free(c.syl);
}

/* ---- correction --------------------------------------------------------------------------- */

static void test_correction_repairs_lost_horns_and_tones(void)
{
	CHECK_CORRECTED("nguời", 70, NULL, "người");        /* ư read as u */
	CHECK_CORRECTED("truờng,", 70, NULL, "trường,");    /* punctuation kept */
	CHECK_CORRECTED("Quyêt", 70, NULL, "Quyết");        /* lost tone, sample decides */
	CHECK_CORRECTED("QUYÊT", 70, NULL, "QUYẾT");        /* headings too */
	CHECK_CORRECTED("ngưòi", 70, NULL, "người");        /* ơ read as o */
	CHECK_CORRECTED("ngừơi", 70, NULL, "người");        /* tone on the wrong vowel */
	CHECK_CORRECTED("hóá", 70, NULL, "hóa");            /* a second tone dropped */
}

static void test_correction_repairs_eth_and_nfd(void)
{
	CHECK_CORRECTED("\xC3\xB0\xE1\xBB\x8Bnh", 80, NULL, "định");   /* ðịnh */
	CHECK_CORRECTED("\xC3\x90\xE1\xBB\x99" "c", 80, NULL, "Độc");  /* Ðộc */
	CHECK_CORRECTED("Vie\xCC\x82\xCC\xA3t", 95, NULL, "Việt");     /* NFD */
}

static void test_correction_prefers_the_recognizers_alternative(void)
{
	/* the sample would pick quyết; the recognizer's own second reading wins */
	CHECK_CORRECTED("quyêt", 60, "quyệt", "quyệt");
	/* an alternative far from what was read is not taken */
	CHECK_CORRECTED("nguời", 60, "bàn", "người");
	/* an alternative that is itself invalid is not taken */
	CHECK_CORRECTED("nguời", 60, "nguòi", "người");
	/* a doubtful valid reading gives way to a known alternative with the same letters */
	CHECK_CORRECTED("chúc", 30, "chức", "chức");
	CHECK_CORRECTED("chúc", 95, "chức", "chúc");
}

static void test_correction_doubts_rare_readings_only_at_low_confidence(void)
{
	/* Tesseract's usual slip: a hook on "tin"; "tỉn" is valid but unknown and doubtful */
	CHECK_CORRECTED("tỉn,", 80, NULL, "tin,");
	CHECK_CORRECTED("đữ", 75, NULL, "dữ");
	/* the same reading with a confident recognizer stays */
	CHECK_CORRECTED("tỉn", 95, NULL, "tỉn");
	/* a known syllable stays at any confidence, though a variant is known better */
	CHECK_CORRECTED("bàn", 40, NULL, "bàn");
	CHECK_CORRECTED("phân", 40, NULL, "phân");
	/* capitals: names of places and people the sample does not know ("Đức Phổ") */
	CHECK_CORRECTED("Phổ,", 80, NULL, "Phổ,");
	CHECK_CORRECTED("TỈN", 80, NULL, "TỈN");
	/* no marks at all: likely not Vietnamese, never given any */
	CHECK_CORRECTED("(SOC)", 60, NULL, "(SOC)");
	CHECK_CORRECTED("tim", 30, NULL, "tim");
	CHECK_CORRECTED("nhu", 60, "như", "nhu");      /* not even the recognizer's own */
	CHECK_CORRECTED("(SOC)", 60, "(SÓC)", "(SOC)");
	CHECK_CORRECTED("cbo", 60, "cho", "cbo");      /* no marks make it Vietnamese: foreign */
}

static void test_correction_leaves_good_text_codes_and_doubt_alone(void)
{
	size_t changed = 0, total = 0;

	for (size_t i = 0; i < sizeof(sentences) / sizeof(sentences[0]); i++) {
		const char *s = sentences[i];

		while (*s) {
			size_t len;
			char tok[128];
			mc_ocr_word w;

			while (*s == ' ')
				s++;
			len = strcspn(s, " ");
			if (!len || len >= sizeof(tok))
				break;
			memcpy(tok, s, len);
			tok[len] = '\0';
			s += len;
			/* valid words stay, at any confidence, even with an alternative */
			w = word(tok, (float)(total % 100));
			word_alt(&w, "nguời", 50);
			changed += mc_vn_correct_words(&w, 1);
			CHECK_STR(w.text, tok);
			word_free(&w);
			total++;
		}
	}
	CHECK_INT(changed, 0);
	CHECK(total > 800);
	CHECK_CORRECTED("123/QÐ-UBND", 20, "123/QĐ-UBND", "123/QÐ-UBND");   /* codes stay */
	CHECK_CORRECTED("2O24", 20, NULL, "2O24");
	CHECK_CORRECTED("UBND", 20, NULL, "UBND");
	CHECK_CORRECTED("chat", 80, NULL, "chat");      /* chát or chạt: no way to tell */
	CHECK_CORRECTED("xyzq", 10, NULL, "xyzq");
	CHECK_CORRECTED("Đắk", 10, NULL, "Đắk");        /* a real name no rule knows */
	CHECK_CORRECTED("Kon", 10, NULL, "Kon");
	CHECK_CORRECTED("", 10, NULL, "");
}

static void test_correction_counts_and_survives_empty_input(void)
{
	mc_ocr_word w[3];

	w[0] = word("nguời", 60);
	w[1] = word("dân", 90);
	w[2] = word("truờng", 60);
	CHECK_INT(mc_vn_correct_words(w, 3), 2);
	CHECK_INT(mc_vn_correct_words(w, 3), 0);       /* a second pass finds nothing */
	free(w[1].text);
	w[1].text = NULL;
	CHECK_INT(mc_vn_correct_words(w, 3), 0);
	CHECK_INT(mc_vn_correct_words(NULL, 5), 0);
	for (size_t i = 0; i < 3; i++)
		word_free(&w[i]);
}

/* ---- garbage ------------------------------------------------------------------------------- */

static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 32);
}

/* Bytes that are mostly Vietnamese-looking: pieces of UTF-8 letters, marks, digits and
 * punctuation cut at random, plus raw bytes. */
static size_t garbage(char *out, size_t max)
{
	static const char *const pieces[] = {
		"ư", "ơ", "ầ", "Đ", "ð", "\xCC\x81", "\xCC\x82", "\xCC\xA3", "\xCC\x9B", "ng", "qu",
		"gi", "/", "-", ":", "0", "O", "1", "l", " ", "ệ", "\xE1\xBB", "\xC3", "\xF0\x9F",
		"\xFF", "\x80", "@", ".", "y", "a", "Số", "ngày", "tháng", "năm",
	};
	size_t n = rnd() % max, o = 0;

	while (o < n) {
		if (rnd() % 4 == 0) {
			out[o++] = (char)(rnd() % 256);
		} else {
			const char *p = pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t pl = strlen(p);

			if (o + pl > n)
				break;
			memcpy(out + o, p, pl);
			o += pl;
		}
	}
	return o;
}

static void test_random_bytes_never_crash(void)
{
	char buf[80], z[81];
	size_t hits = 0;

	for (int round = 0; round < 20000; round++) {
		size_t len = garbage(buf, sizeof(buf));
		mc_ocr_word w;

		hits += mc_vn_syllable_valid(buf, len);
		hits += mc_vn_token_is_code(buf, len);
		memcpy(z, buf, len);
		z[len] = '\0';              /* the word API takes C strings */
		w = word(z, (float)(rnd() % 100));
		if (round % 3 == 0) {
			len = garbage(buf, sizeof(buf));
			buf[len] = '\0';
			word_alt(&w, buf, 40);
		}
		mc_vn_correct_words(&w, 1);
		CHECK(w.text != NULL);
		hits += mc_vn_valid_share(&w, 1) > 0;
		word_free(&w);
	}
	CHECK(mc_vn_syllable_valid(NULL, 5) == false);
	CHECK(mc_vn_token_is_code(NULL, 0) == true);
	CHECK(hits > 0);
}

TEST_MAIN(
	TEST_CASE(test_every_syllable_of_the_sentences_is_valid_in_nfc_and_nfd),
	TEST_CASE(test_the_words_of_the_brief),
	TEST_CASE(test_latin_words_pass_only_when_they_fit_the_structure),
	TEST_CASE(test_stop_finals_take_only_sac_or_nang),
	TEST_CASE(test_tone_goes_on_the_right_vowel),
	TEST_CASE(test_nfd_marks_in_any_order_and_mixed_forms),
	TEST_CASE(test_codes_are_told_from_words),
	TEST_CASE(test_valid_share_counts_words_not_codes),
	TEST_CASE(test_frequency_table_is_sorted_and_counts_the_sentences),
	TEST_CASE(test_correction_repairs_lost_horns_and_tones),
	TEST_CASE(test_correction_repairs_eth_and_nfd),
	TEST_CASE(test_correction_prefers_the_recognizers_alternative),
	TEST_CASE(test_correction_doubts_rare_readings_only_at_low_confidence),
	TEST_CASE(test_correction_leaves_good_text_codes_and_doubt_alone),
	TEST_CASE(test_correction_counts_and_survives_empty_input),
	TEST_CASE(test_random_bytes_never_crash)
)

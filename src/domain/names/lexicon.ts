/**
 * Small lexicons the scorer needs to tell a person's own name from how somebody else is called:
 *
 *  - common Indonesian given names by gender, so that "Ny. Bambang" (Bambang's wife) is not taken
 *    for Bambang while "Ny. Suharti" is Suharti;
 *  - family names that may stand first or last (Batak and Karo marga, Minahasa, Moluccan and
 *    Chinese-Indonesian surnames), so that their order stays free while two Arabic-style given
 *    names swapped (Ahmad Yusuf / Yusuf Ahmad: a man and his father's name) go to review.
 *
 * Entries are written as people write them; membership is tested on phonetic keys so that every
 * spelling of a listed name counts. An unknown name is simply not known: the rules that use these
 * lists send it to review rather than guess.
 */
import { phoneticKey } from './normalise.js';

const keys = (names: string) => new Set(names.trim().split(/\s+/).map(phoneticKey));

/** Given names borne (almost) only by men. */
export const MALE_NAMES = keys(`
  abdul abdullah abdurrahman achmad ade adi aditya agung agus ahmad akbar ali amir andi andika anton
  anwar ardi arief arif aris asep bagus bambang bayu budi cahyo dadang dadi danu darmawan dedi dedy
  dimas dodi eko edi fadli fahmi fajar faisal farhan fauzan fauzi fikri firman gilang gunawan hadi
  hamdan hamid hamzah handoko harmanto kasnadi hari haris harun hasan hendra hendro heri heru herman hermanto hidayat
  husain ibrahim idris ilham imam iman indra irfan irwan ismail iwan jajang joko jumadi karim
  lukman mahmud mansur margono marno mulyadi mulyono musa nanang nugroho paijo
  prasetyo purnomo putra rahmat rahmad rasyid reza ridwan rizal rizki rudi rusli saiful salim sapto
  sarjono setiawan slamet sofyan sudarsono sugeng sugianto sugiarto suharto sukardi sukarno sukirman
  sulaiman supardi suparman supriyadi suripto sutrisno suyono syamsul taufik teguh tono
  umar usman wahyu wahyudi wawan yanto yoga yudi yunus yusuf zainal zakaria zulkifli
  antonius yohanes markus stefanus robert andreas petrus paulus yosef fransiskus agustinus
  robert ujang cecep daud ishak yakub ayub ilyas zubair said saleh
`);

/** Given names borne (almost) only by women. */
export const FEMALE_NAMES = keys(`
  aisyah aminah ani anita anggraini anisa astuti ayu aini citra dewi desi dian diah dyah endang
  erna ernawati euis farida fatimah fitri fitriani handayani hartini herlina ida iis indah
  intan kartika kartini khadijah kurniasih kurniawati lestari lilis lina
  maria marlina maryam maryati mega melati mulyani neneng nining ningsih novita
  nur nuraini nurhayati nurul puspita putri ratih ratna rina rini rohani rohmah
  rahmah rosita rukmini sari siti sri sulastri sumiati
  suryani susanti tuti tutik wati wahyuni winarti wulan wulandari yanti yuli yuliana yulianti
  yuni zahra juwita hajar aisah nurjanah
  rahmawati setiawati sumirah suwarni warsini rosdiana sudarmi mardiana marliana herlinda harlinda
  hermawati anggraeni oktaviani purwanti setyaningsih puspitasari novitasari maharani fadillah
  ramadhani rahayuningsih prihatini sulistyowati wijayanti widyawati safitri amelia permata
  permatasari kusumawati rosmiati rusmiati merdiana marliana merliana lesmawati lismawati wirsini
  suwirni sulistri rosdiana rusdiana sudirmi
`);

/** Family names whose place in the written name varies (marga, fam, Chinese surnames). */
export const FAMILY_NAMES = keys(`
  aritonang batubara butarbutar damanik daulay ginting gultom harahap hasibuan hutabarat hutagalung
  hutapea lubis lumbantobing manurung manullang marpaung nainggolan napitupulu nasution pakpahan
  panjaitan pane pardede pasaribu perangin pohan purba rangkuti saragih sembiring siahaan sianturi
  sihombing silalahi simanjuntak simatupang simbolon sinaga sinurat siregar sitepu sitompul sitorus
  situmorang tambunan tampubolon tanjung tarigan karokaro ketaren barus bangun
  kaunang kawilarang lasut lengkong lumanauw lumentut mamahit mandagi palar pangemanan pantouw polii
  ratulangi rantung rondonuwu rumondor runtuwene sondakh sumampouw sumual supit tambayong tumbelaka
  tumiwa tuwo walandouw warouw wenas worang wowor
  latuharhary matulessy pattiasina pattimura pelupessy sahetapy siwabessy tuhumury leimena
  ang gan go goh han khoe kho kwee lie liem lim njoo oei ong sie tan the tio tjan tjia tjoa wong yap
  liong tjhin bong chen chan
`);

/**
 * Social titles that name a married woman by her husband's name ("Ny. Bambang" is Bambang's
 * wife) — or by her own. Keys of the title as written, without dots.
 */
export const WIFE_TITLES = new Set(['ny', 'nyonya', 'ibu', 'bu', 'mrs']);
